# SPDX-License-Identifier: LGPL-2.1-or-later
# Reads lib/libkmod.sym and prints "FUNCTION SINCE" for every exported function,
# sorted by name. SINCE is the version of the node that exports the function:
# N for LIBKMOD_N, except 1 for the functions of the first node (the API as it
# stood when symbol versioning began). A function listed in several nodes (a
# compatibility version kept for old binaries) takes the latest node, which is
# its default version.
/^[ \t]*LIBKMOD_[0-9]+[ \t]*\{/ {
	match($0, /LIBKMOD_[0-9]+/)
	node = substr($0, RSTART + 8, RLENGTH - 8)
	since = (nodes++ == 0) ? 1 : node
	global = 0
	next
}
/^[ \t]*global:/ { global = 1; next }
/^[ \t]*local:/ { global = 0; next }
/^[ \t]*\}/ { global = 0; next }
global && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*;[ \t]*$/ {
	name = $1
	sub(/;$/, "", name)
	ver[name] = since
}
END {
	for (name in ver)
		print name, ver[name] | "LC_ALL=C sort"
}
