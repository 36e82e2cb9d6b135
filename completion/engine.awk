# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The part of the shell completions that all three shells share, in POSIX awk.
# completion/meson.build pastes this program into the bash, zsh and fish files inside
# single quotes, so it must contain neither a single quote nor a backslash (meson
# checks); the characters are made with sprintf("%c") where needed.
#
# Arguments (no input files, everything happens in BEGIN):
#   TOOL WHAT CUR WORD...
#   TOOL   modprobe, modinfo, insmod, rmmod, depmod or check (kmod check)
#   WHAT   "operand": candidates for the operand being typed;
#          "kver":    kernel releases below the module root chosen by WORD...
#   CUR    the word being completed, as typed so far
#   WORD   the words between the command name and CUR
# Output: one candidate per line, already filtered by CUR, or the single line "!file"
# when the shell should complete module file names itself.
#
# Names: module and parameter names accept "-" for "_" and back, as the tools do, so
# CUR matches a name when both agree after turning every "-" into "_". The candidate
# starts with CUR exactly as typed (shells insist on that) and continues in the
# separator style of the last "-" or "_" in CUR: "snd-h" offers "snd-hda-intel",
# "snd_h" and "snd" offer "snd_hda_intel". Module names are the kernel names (file
# name up to the first dot, "-" made "_"); aliases are spelled as in their file.

function norm(s)
{
	gsub(/-/, "_", s)
	return s
}

# shell-quotes s for a command line run through sh
function q(s)
{
	gsub(sq, sq dq sq dq sq, s)
	return sq s sq
}

function tilde(s)
{
	if (s == "~" || substr(s, 1, 2) == "~/")
		return ENVIRON["HOME"] substr(s, 2)
	return s
}

function modname(path, base)
{
	base = path
	sub(".*/", "", base)
	sub(/[.].*/, "", base)
	return norm(base)
}

# offer(name, suffix): prints name (and suffix) when it matches CUR
function offer(name, suffix, rest, out)
{
	if (name == "" || name ~ /[][*?]/)
		return
	if (substr(norm(name), 1, curlen) != curnorm)
		return
	rest = substr(name, curlen + 1)
	if (cursep == "-")
		gsub(/_/, "-", rest)
	else if (cursep == "_")
		gsub(/-/, "_", rest)
	out = cur rest suffix
	if (!(out in seen)) {
		seen[out] = 1
		print out
	}
}

# ---- the command line ---------------------------------------------------------

# Long options per tool, "=" marking those that take an argument; short options
# taking an argument. From the getopt tables of the tools.
function tables()
{
	if (tool == "modprobe") {
		longs = "all remove remove-dependencies remove-holders wait= first-time"
		longs = longs " ignore-install ignore-remove use-blacklist force force-modversion"
		longs = longs " force-vermagic resolve-alias show-depends showconfig show-config"
		longs = longs " show-modversions dump-modversions show-exports dry-run show"
		longs = longs " config= dirname= set-version= syslog quiet verbose version help"
		# optional arguments (--jobs[=N]) only ever come after "=": no "=" here
		longs = longs " jobs explain closure json require-signature="
		shortargs = "wCdS"
	} else if (tool == "modinfo") {
		longs = "author description license parameters filename null modname field="
		longs = longs " set-version= basedir= json verify version help"
		shortargs = "Fkb"
	} else if (tool == "depmod") {
		longs = "all quick basedir= moduledir= outdir= config= errsyms symvers="
		longs = longs " filesyms= show dry-run symbol-prefix= verbose warn version help"
		longs = longs " json no-cache"
		shortargs = "bmoCEFP"
	} else if (tool == "insmod") {
		longs = "force syslog verbose version help require-signature="
		shortargs = ""
	} else if (tool == "check") {
		longs = "basedir= set-version= verbose json help"
		shortargs = "bk"
	} else {
		longs = "force syslog verbose version help"
		shortargs = ""
	}
}

# the long option named exactly or by a unique prefix (getopt_long accepts both);
# "=" appended when it takes an argument
function longopt(name, n, i, l, bare, hit, hits)
{
	n = split(longs, l, " ")
	hits = 0
	for (i = 1; i <= n; i++) {
		bare = l[i]
		sub(/=$/, "", bare)
		if (bare == name)
			return l[i]
		if (substr(bare, 1, length(name)) == name) {
			hit = l[i]
			hits++
		}
	}
	return hits == 1 ? hit : name
}

# one option with its argument, by short letter or long name
function option(o, val)
{
	if (o == "r" || o == "remove")
		removing = 1
	else if (o == "a" || o == "all")
		all = 1
	else if (tool == "modprobe" && o == "closure")
		closure = all = 1
	else if (o == "show-modversions" || o == "dump-modversions" || o == "show-exports")
		filemode = 1
	else if (tool == "modprobe" && (o == "C" || o == "config"))
		configs[++nconfigs] = tilde(val)
	else if ((tool == "modprobe" && (o == "d" || o == "dirname")) ||
		 (tool != "modprobe" && (o == "b" || o == "basedir")))
		root = tilde(val)
	else if ((tool == "modprobe" && o == "S") ||
		 ((tool == "modinfo" || tool == "check") && o == "k") || o == "set-version")
		kver = val
}

function parse(i, j, a, name, val, p)
{
	for (i = 1; i <= nwords; i++) {
		a = words[i]
		if (dashdash || a == "-" || substr(a, 1, 1) != "-") {
			operands[++noperands] = a
			continue
		}
		if (a == "--") {
			dashdash = 1
			continue
		}
		if (substr(a, 1, 2) == "--") {
			name = substr(a, 3)
			val = ""
			p = index(name, "=")
			if (p > 0) {
				val = substr(name, p + 1)
				name = substr(name, 1, p - 1)
			}
			name = longopt(name)
			if (name ~ /=$/) {
				sub(/=$/, "", name)
				if (p == 0 && i < nwords)
					val = words[++i]
			}
			option(name, val)
			continue
		}
		for (j = 2; j <= length(a); j++) {
			name = substr(a, j, 1)
			if (index(shortargs, name) > 0) {
				val = substr(a, j + 1)
				if (val == "" && i < nwords)
					val = words[++i]
				option(name, val)
				break
			}
			option(name, "")
		}
	}
}

# ---- what is offered ----------------------------------------------------------

function moduledir()
{
	if (kver == "") {
		"uname -r" | getline kver
		close("uname -r")
	}
	return root "@MODULEDIR@/" kver
}

function alias_lines(file, line, f)
{
	while ((getline line < file) > 0) {
		split(line, f, " ")
		if (f[1] == "alias" && f[3] != "" && index(f[2], ":") == 0)
			offer(f[2], "")
	}
	close(file)
}

# module names of the tree, its plain aliases, and (modprobe) the aliases of the
# configuration (-C paths, else the default modprobe.d directories) for modules of
# the tree
function names(dir, line, i, cmd, f, m)
{
	dir = moduledir()
	while ((getline line < (dir "/modules.dep")) > 0) {
		m = modname(substr(line, 1, index(line, ":") - 1))
		mods[m] = 1
		offer(m, "")
	}
	close(dir "/modules.dep")
	while ((getline line < (dir "/modules.builtin")) > 0) {
		m = modname(line)
		mods[m] = 1
		offer(m, "")
	}
	close(dir "/modules.builtin")
	alias_lines(dir "/modules.alias")
	if (tool != "modprobe")
		return
	cmd = ""
	for (i = 1; i <= nconfigs; i++)
		cmd = cmd " " q(configs[i]) " " q(configs[i]) "/*.conf"
	if (nconfigs == 0) {
		split("@SYSCONFDIR@ /run /usr/local/lib @DISTCONFDIR@ /lib", f, " ")
		for (i = 1; i <= 5; i++)
			cmd = cmd " " f[i] "/modprobe.d/*.conf"
	}
	# a directory named with -C is read for its *.conf files, a file directly
	cmd = "for f in" cmd "; do [ -f " dq "$f" dq " ] && cat " dq "$f" dq "; done 2>/dev/null"
	while ((cmd | getline line) > 0) {
		split(line, f, " ")
		# an alias whose module is not in this tree would not load
		if (f[1] == "alias" && (norm(f[3]) in mods))
			offer(f[2], "")
	}
	close(cmd)
}

function loaded(line, f)
{
	while ((getline line < "/proc/modules") > 0) {
		split(line, f, " ")
		offer(f[1], "")
	}
	close("/proc/modules")
}

# parameters of module m (a name, or a file for insmod) as "name=", or, once CUR
# holds "name=", the values of a bool parameter
function params(m, cmd, line, p, pname, want, vals, v, n, i)
{
	cmd = "PATH=$PATH:/usr/sbin:/sbin modinfo"
	if (tool == "modprobe" && root != "")
		cmd = cmd " -b " q(root)
	if (tool == "modprobe" && kver != "")
		cmd = cmd " -k " q(kver)
	cmd = cmd " -F parm -- " q(tilde(m)) " 2>/dev/null"
	p = index(cur, "=")
	want = norm(substr(cur, 1, p - 1))
	while ((cmd | getline line) > 0) {
		pname = substr(line, 1, index(line, ":") - 1)
		if (p == 0) {
			offer(pname, "=")
		} else if (norm(pname) == want && line ~ /[(](bool|invbool)[)]$/) {
			n = split("Y N", vals, " ")
			for (i = 1; i <= n; i++) {
				v = substr(cur, 1, p) vals[i]
				if (substr(v, 1, length(cur)) == cur && !(v in seen)) {
					seen[v] = 1
					print v
				}
			}
		}
	}
	close(cmd)
}

function kvers(dir, cmd, line)
{
	dir = root "@MODULEDIR@"
	cmd = "ls -1p -- " q(dir) " 2>/dev/null"
	while ((cmd | getline line) > 0)
		if (line ~ "/$" && substr(line, 1, length(cur)) == cur)
			print substr(line, 1, length(line) - 1)
	close(cmd)
}

function pathlike(s)
{
	return index(s, "/") > 0 || s ~ /^[.~]/
}

BEGIN {
	sq = sprintf("%c", 39)
	dq = sprintf("%c", 34)
	tool = ARGV[1]
	what = ARGV[2]
	cur = ARGV[3]
	nwords = 0
	for (i = 4; i < ARGC; i++)
		words[++nwords] = ARGV[i]
	curlen = length(cur)
	curnorm = norm(cur)
	cursep = ""
	if (match(cur, /[-_][^-_]*$/))
		cursep = substr(cur, RSTART, 1)
	tables()
	parse()

	if (what == "kver") {
		kvers()
	} else if (tool == "rmmod" || (tool == "modprobe" && removing)) {
		loaded()
	} else if (tool == "modprobe") {
		if (filemode || (closure && pathlike(cur)))
			print "!file"
		else if (pathlike(cur))
			; # modprobe takes names only (--closure also module files)
		else if (noperands > 0 && !all)
			params(operands[1])
		else
			names()
	} else if (tool == "insmod") {
		if (noperands > 0)
			params(operands[1])
		else
			print "!file"
	} else if (tool == "modinfo") {
		if (pathlike(cur))
			print "!file"
		else
			names()
	} else if (tool == "depmod") {
		if (noperands > 0)
			print "!file"
		else
			kvers()
	}
	exit
}
