# Scenarios of the vm suite, run inside the guest by /init. Each prints
# "VMTEST PASS <name>" or "VMTEST FAIL <name>: <why>"; the host turns them into TAP.
# Our tools are always called by absolute path.
K=$(uname -r)
MP=/sbin/modprobe

loaded() { grep -q "^$1 " /proc/modules; }
param() { cat "/sys/module/$1/parameters/$2" 2>/dev/null; }
why=""
expect() { # expect DESCRIPTION COMMAND...: records the first failing expectation
	local d=$1
	shift
	if ! "$@"; then
		[ -z "$why" ] && why=$d
		return 1
	fi
	return 0
}
not() { ! "$@"; }
run() { # run CMD...: stdout+stderr in $out, exit status in $rc
	out=$("$@" 2>&1)
	rc=$?
}
scenario() {
	why=""
	"scn_$1"
	if [ -z "$why" ]; then
		echo "VMTEST PASS $1"
	else
		echo "VMTEST FAIL $1: $why" | tr '\n' ' '
		echo
	fi
}

scn_insmod_params() {
	run /sbin/insmod /lib/modules/$K/kernel/drivers/block/loop.ko max_loop=5
	expect "insmod exit $rc: $out" [ "$rc" = 0 ]
	expect "loop not in /proc/modules" loaded loop
	expect "max_loop=$(param loop max_loop)" [ "$(param loop max_loop)" = 5 ]
	run /sbin/rmmod loop
	expect "rmmod exit $rc: $out" [ "$rc" = 0 ]
	expect "loop still loaded" not loaded loop
	expect "/sys/module/loop still there" [ ! -d /sys/module/loop ]
}

scn_modprobe_alias_options() {
	run $MP mydisk
	expect "modprobe mydisk exit $rc: $out" [ "$rc" = 0 ]
	expect "loop not loaded" loaded loop
	expect "max_loop=$(param loop max_loop), wanted 7" [ "$(param loop max_loop)" = 7 ]
	run $MP -r loop
	expect "modprobe -r loop exit $rc: $out" [ "$rc" = 0 ]
	expect "loop still loaded" not loaded loop
}

scn_modprobe_dependencies() {
	run $MP vfat
	expect "modprobe vfat exit $rc: $out" [ "$rc" = 0 ]
	expect "vfat not loaded" loaded vfat
	expect "fat not loaded" loaded fat
	expect "weakdep nls_utf8 was loaded" not loaded nls_utf8
}

scn_rmmod_in_use() {
	run /sbin/rmmod fat
	expect "rmmod fat exit $rc" [ "$rc" = 1 ]
	expect "message: $out" \
		[ "$out" = "rmmod: ERROR: Module fat is in use by:rmmod: ERROR:  vfatrmmod: ERROR: " ]
	expect "fat was removed" loaded fat
}

scn_first_time() {
	run $MP --first-time vfat
	expect "--first-time exit $rc" [ "$rc" = 1 ]
	expect "message: $out" [ "$out" = "modprobe: ERROR: could not insert 'vfat': Module already in kernel" ]
	run $MP vfat
	expect "plain modprobe of a loaded module: exit $rc: $out" [ "$rc" = 0 ]
}

scn_modprobe_remove_dependencies() {
	expect "precondition: vfat and fat loaded" loaded vfat
	expect "precondition: fat loaded" loaded fat
	run $MP -r vfat
	expect "modprobe -r vfat exit $rc: $out" [ "$rc" = 0 ]
	expect "vfat still loaded" not loaded vfat
	expect "unused fat still loaded" not loaded fat
}

scn_remove_holders() {
	run $MP vfat
	expect "modprobe vfat exit $rc: $out" [ "$rc" = 0 ]
	expect "vfat not loaded" loaded vfat
	run $MP -r --remove-holders fat
	expect "--remove-holders exit $rc: $out" [ "$rc" = 0 ]
	expect "vfat still loaded" not loaded vfat
	expect "fat still loaded" not loaded fat
}

compressed() {
	run $MP -d /$1 isofs
	expect "modprobe -d /$1 isofs exit $rc: $out" [ "$rc" = 0 ]
	expect "isofs not loaded" loaded isofs
	expect "cdrom not loaded" loaded cdrom
	run $MP -d /$1 -r isofs
	expect "modprobe -r exit $rc: $out" [ "$rc" = 0 ]
	expect "isofs still loaded" not loaded isofs
	expect "cdrom still loaded" not loaded cdrom
}
scn_compressed_xz() { compressed xz; }
scn_compressed_zst() { compressed zst; }
scn_compressed_gz() { compressed gz; }

scn_softdep() {
	run $MP dummy
	expect "modprobe dummy exit $rc: $out" [ "$rc" = 0 ]
	expect "dummy not loaded" loaded dummy
	expect "pre softdep nls_cp437 not loaded" loaded nls_cp437
	expect "post softdep nls_iso8859_1 not loaded" loaded nls_iso8859_1
	run $MP -r dummy
	expect "modprobe -r dummy exit $rc: $out" [ "$rc" = 0 ]
	expect "dummy still loaded" not loaded dummy
	expect "nls_cp437 still loaded" not loaded nls_cp437
	expect "nls_iso8859_1 still loaded" not loaded nls_iso8859_1
}

scn_blacklist() {
	run $MP fs-msdos
	expect "modprobe fs-msdos exit $rc: $out" [ "$rc" = 0 ]
	expect "blacklisted msdos loaded through its alias" not loaded msdos
	run $MP -b msdos
	expect "modprobe -b msdos exit $rc: $out" [ "$rc" = 0 ]
	expect "blacklisted msdos loaded by name with -b" not loaded msdos
	run $MP msdos
	expect "modprobe msdos exit $rc: $out" [ "$rc" = 0 ]
	expect "msdos not loaded by name" loaded msdos
	run $MP -r msdos
	expect "msdos still loaded" not loaded msdos
}

scn_install_remove_commands() {
	rm -f /tmp/install-ran /tmp/remove-ran
	run $MP x_tables
	expect "modprobe x_tables exit $rc: $out" [ "$rc" = 0 ]
	expect "install command did not run" [ -f /tmp/install-ran ]
	expect "x_tables not loaded" loaded x_tables
	run $MP -r x_tables
	expect "modprobe -r x_tables exit $rc: $out" [ "$rc" = 0 ]
	expect "remove command did not run" [ -f /tmp/remove-ran ]
	expect "x_tables still loaded" not loaded x_tables
}

scn_force_vermagic() {
	run /sbin/insmod /force/magic/dummy.ko
	expect "insmod of a wrong vermagic succeeded" [ "$rc" = 1 ]
	expect "message: $out" [ "$out" = "insmod: ERROR: could not insert module /force/magic/dummy.ko: Invalid module format" ]
	expect "dummy loaded without force" not loaded dummy
	run $MP --force-vermagic /force/magic/dummy.ko
	expect "--force-vermagic exit $rc: $out" [ "$rc" = 0 ]
	expect "dummy not loaded with --force-vermagic" loaded dummy
	/sbin/rmmod dummy
	$MP -r nls_cp437 nls_iso8859-1 >/dev/null 2>&1
}

scn_force_modversion() {
	run /sbin/insmod /force/crc/dummy.ko
	expect "insmod of a wrong CRC succeeded" [ "$rc" = 1 ]
	expect "message: $out" [ "$out" = "insmod: ERROR: could not insert module /force/crc/dummy.ko: Invalid module format" ]
	expect "dummy loaded without force" not loaded dummy
	run $MP --force-modversion /force/crc/dummy.ko
	expect "--force-modversion exit $rc: $out" [ "$rc" = 0 ]
	expect "dummy not loaded with --force-modversion" loaded dummy
	/sbin/rmmod dummy
	$MP -r nls_cp437 nls_iso8859-1 >/dev/null 2>&1
}

scn_lsmod_matches_proc() {
	$MP loop
	a=$(/sbin/lsmod | tail -n +2 | awk '{print $1}' | sort)
	b=$(awk '{print $1}' /proc/modules | sort)
	expect "lsmod [$a] != /proc/modules [$b]" [ "$a" = "$b" ]
	expect "lsmod shows nothing" [ -n "$a" ]
	h=$(/sbin/lsmod | head -1)
	expect "header '$h'" [ "$h" = "Module                  Size  Used by" ]
}

scn_modinfo_loaded_and_builtin() {
	run /sbin/modinfo -F filename loop
	expect "modinfo loop: $out" [ "$out" = "/lib/modules/$K/kernel/drivers/block/loop.ko" ]
	run /sbin/modinfo -F name loop
	expect "modinfo -F name loop: $out" [ "$out" = "loop" ]
	b=$(head -1 /lib/modules/$K/modules.builtin | sed 's|.*/||; s|\.ko$||; s|-|_|g')
	run /sbin/modinfo -F filename "$b"
	expect "modinfo of builtin $b: $out" [ "$out" = "(builtin)" ]
	$MP -r loop
}

scn_static_nodes() {
	run /usr/bin/kmod static-nodes -f tmpfiles
	expect "exit $rc: $out" [ "$rc" = 0 ]
	expect "no loop-control line in: $out" \
		sh -c "echo \"\$1\" | grep -qx 'c! /dev/loop-control 0600 - - - 10:237'" - "$out"
}

scn_concurrent_modprobe() {
	rm -f /tmp/rc.*
	i=0
	while [ $i -lt 16 ]; do
		( $MP dummy >/tmp/out.$i 2>&1; echo $? >/tmp/rc.$i ) &
		i=$((i + 1))
	done
	wait
	bad=$(cat /tmp/rc.* | grep -vc '^0$')
	expect "$bad of 16 failed: $(cat /tmp/out.* | sort -u | tr '\n' ' ')" [ "$bad" = 0 ]
	n=$(grep -c '^dummy ' /proc/modules)
	expect "dummy listed $n times" [ "$n" = 1 ]
	$MP -r dummy
}

scn_api_probe_remove() {
	run /usr/bin/vm-api-probe loop
	expect "vm-api-probe: exit $rc: $out" [ "$rc" = 0 ]
	expect "loop still loaded after the API removed it" not loaded loop
}

scn_systemd_modules_load() {
	run env LD_PRELOAD="$(cat /etc/sanitizer-preload 2>/dev/null)" \
		/lib/systemd/systemd-modules-load
	expect "systemd-modules-load exit $rc: $out" [ "$rc" = 0 ]
	expect "nls_utf8 (modules-load.d) not loaded" loaded nls_utf8
	$MP -r nls_utf8
}

scn_cmdline_options() {
	run $MP loop
	expect "modprobe loop exit $rc: $out" [ "$rc" = 0 ]
	expect "max_part=$(param loop max_part), wanted 3 from the kernel command line" \
		[ "$(param loop max_part)" = 3 ]
	expect "max_loop=$(param loop max_loop), wanted 7" [ "$(param loop max_loop)" = 7 ]
	$MP -r loop
}

scn_cmdline_blacklist() {
	run $MP fs-iso9660
	expect "modprobe fs-iso9660 exit $rc: $out" [ "$rc" = 0 ]
	expect "isofs loaded despite modprobe.blacklist=isofs" not loaded isofs
	run $MP isofs
	expect "modprobe isofs (by name) exit $rc: $out" [ "$rc" = 0 ]
	expect "isofs not loaded by name" loaded isofs
	$MP -r isofs
}

scn_check_loaded_modules() {
	# kmod check against the real kernel's /sys/module/M/notes and srcversion
	$MP loop
	run /usr/bin/kmod check -v
	expect "kmod check exit $rc: $out" [ "$rc" = 0 ]
	expect "no 'loop: ok: build-id' line in: $out" \
		sh -c "echo \"\$1\" | grep -q '^loop: ok: build-id.* as /lib/modules/$K/kernel/drivers/block/loop.ko'" - "$out"
	$MP -r loop
}

scn_json_and_explain() {
	# lsmod --json and modprobe --explain on the real kernel: a loaded, a blacklisted
	# and a builtin module (no JSON parser in the guest: the one-line documents are
	# matched with grep; the host suite parses them with python)
	$MP loop
	run /sbin/lsmod --json
	expect "lsmod --json exit $rc: $out" [ "$rc" = 0 ]
	expect "lsmod --json: no schema 1 in: $out" \
		sh -c "echo \"\$1\" | grep -q '^{\"schema\":1,\"tool\":\"lsmod\",\"modules\":\['" - "$out"
	expect "lsmod --json: loop not live in: $out" \
		sh -c "echo \"\$1\" | grep -q '{\"name\":\"loop\",\"size\":[0-9]*,\"refcount\":0,\"holders\":\[\],\"state\":\"live\"'" - "$out"
	n=$(echo "$out" | grep -o '"name":' | wc -l)
	expect "lsmod --json lists $n modules, /proc/modules $(wc -l </proc/modules)" \
		[ "$n" = "$(wc -l </proc/modules)" ]
	run $MP --explain loop
	expect "explain loop exit $rc: $out" [ "$rc" = 0 ]
	expect "explain loop: not live in: $out" sh -c "echo \"\$1\" | grep -q '^    state: live$'" - "$out"
	expect "explain loop: not 'already loaded' in: $out" \
		sh -c "echo \"\$1\" | grep -q 'result: already loaded, nothing to do'" - "$out"
	run $MP --explain fs-msdos
	expect "explain fs-msdos exit $rc: $out" [ "$rc" = 0 ]
	expect "explain fs-msdos: blacklist not applied in: $out" \
		sh -c "echo \"\$1\" | grep -q 'blacklist msdos: applies (/etc/modprobe.d/vmtest.conf:[0-9]*): the module was found through an alias'" - "$out"
	expect "explain fs-msdos loaded msdos" not loaded msdos
	b=$(head -1 /lib/modules/$K/modules.builtin | sed 's|.*/||; s|\.ko$||; s|-|_|g')
	run $MP --explain "$b"
	expect "explain $b exit $rc: $out" [ "$rc" = 0 ]
	expect "explain builtin $b: not builtin in: $out" sh -c "echo \"\$1\" | grep -q '^    state: builtin$'" - "$out"
	run $MP --explain --json loop
	expect "explain --json loop exit $rc: $out" [ "$rc" = 0 ]
	expect "explain --json: no schema 1 in: $out" sh -c "echo \"\$1\" | grep -q '\"schema\":1'" - "$out"
	$MP -r loop
}

GROUP1="insmod_params modprobe_alias_options modprobe_dependencies rmmod_in_use first_time
modprobe_remove_dependencies remove_holders compressed_xz compressed_zst compressed_gz softdep
blacklist install_remove_commands force_vermagic force_modversion lsmod_matches_proc
modinfo_loaded_and_builtin static_nodes concurrent_modprobe api_probe_remove
systemd_modules_load check_loaded_modules json_and_explain"
GROUP2="cmdline_options cmdline_blacklist"

run_group() {
	case $1 in
	1) list=$GROUP1 ;;
	2) list=$GROUP2 ;;
	*) list= ;;
	esac
	echo "VMTEST PLAN" $list
	for s in $list; do
		scenario "$s"
	done
}
