# rmmod (tools.md 5.2): pre-checks and their messages, -f, paths vs names, failures.
# Kernel state is made by Debian's insmod (kmod 30) under the shim.
kver 6.1.0-test
module kernel/x_tables.ko
  export xt_register 0x11
module kernel/xt_LOG.ko
  modinfo depends=x_tables
  undef xt_register
module kernel/c.ko
module kernel/dash-name.ko
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
file proc/modules
end
mkdir sys/module
file load
rm -rf sys/module/* .shim/errors
: > proc/modules
for m; do
	LD_PRELOAD=$BUILD/testsuite/shim/modkit-shim.so MODKIT_ROOT=$ROOT "$BUILD/src/insmod" lib/modules/$KVER/kernel/$m.ko || exit 1
done
end
---
% "$BUILD/src/depmod" -b . @KVER@ 2>/dev/null

### missing module name
$ rmmod
! rmmod: ERROR: missing module name.
? 1
@ differential

### builtin
$ rmmod bi
! rmmod: ERROR: Module bi is builtin.
? 1
c-
@ differential

### not loaded
% sh load
$ rmmod c
! rmmod: ERROR: Module c is not currently loaded
? 1
c-
@ differential

### unknown initstate: the library's message, then not loaded
% sh load c; echo weird > sys/module/c/initstate
$ rmmod c
!L rmmod: ERROR: unknown /sys/module/c/initstate: 'weird
!L '
! rmmod: ERROR: Module c is not currently loaded
? 1
c-

### holders: the one-line quirk
% sh load x_tables xt_LOG
$ rmmod x_tables
! rmmod: ERROR: Module x_tables is in use by:rmmod: ERROR:  xt_LOGrmmod: ERROR: 
? 1
c-

### refcnt > 0
% sh load c; echo 1 > sys/module/c/refcnt
$ rmmod c
! rmmod: ERROR: Module c is in use
? 1
c-
@ differential

### refcnt missing: unloading not supported, not removed
% sh load c; rm sys/module/c/refcnt
$ rmmod c
! rmmod: ERROR: Module unloading is not supported
? 1
c-
@ differential

### unparsable refcnt: library message only
% sh load c; echo x > sys/module/c/refcnt
$ rmmod c
!L rmmod: ERROR: could not read integer from '/sys/module/c/refcnt': 'Invalid argument'
? 1
c-

### success
% sh load c
$ rmmod c
c delete_module name=c flags=2048
@ differential

### -f skips the checks and adds O_TRUNC; kernel failure gives two lines
% sh load x_tables xt_LOG
$ rmmod -f x_tables
!L rmmod: ERROR: could not remove 'x_tables': Resource temporarily unavailable
! rmmod: ERROR: could not remove module x_tables: Resource temporarily unavailable
? 1
c delete_module name=x_tables flags=2560

### -f on a module in use
% sh load c; echo 1 > sys/module/c/refcnt
$ rmmod --force c
c delete_module name=c flags=2560
@ differential

### delete_module failure
% sh load c; echo 'delete_module c EPERM' > .shim/errors
$ rmmod c
!L rmmod: ERROR: could not remove 'c': Operation not permitted
! rmmod: ERROR: could not remove module c: Operation not permitted
? 1
c delete_module name=c flags=2048

### a path: name from the file name, dashes to underscores
% sh load c dash-name
$ rmmod lib/modules/@KVER@/kernel/dash-name.ko /lib/modules/@KVER@/kernel/c.ko
c delete_module name=dash_name flags=2048
c delete_module name=c flags=2048
@ differential

### a name is normalised
% sh load dash-name
$ rmmod dash-name
c delete_module name=dash_name flags=2048
@ differential

### a missing path is a name: cut at the first '.', the empty name is /sys/module itself
# (directory without initstate = coming, no holders dir, no refcnt: tools.md 10.3)
% sh load
$ rmmod ./nonexist.ko
!L rmmod: ERROR: could not open '/sys/module//holders': No such file or directory
! rmmod: ERROR: Module unloading is not supported
? 1
c-

### a name with a slash and no dot
% sh load
$ rmmod no/such
! rmmod: ERROR: Module no/such is not currently loaded
? 1
c-
@ differential

### operands in order, a failure does not stop the others
% sh load c
$ rmmod nosuch c
! rmmod: ERROR: Module nosuch is not currently loaded
? 1
c delete_module name=c flags=2048
@ differential

### options after operands
% sh load c
$ rmmod c -f
c delete_module name=c flags=2560
@ differential

### -v, -s change no message here
% sh load c
$ rmmod -v -s c
c delete_module name=c flags=2048
@ differential

### -s: messages to syslog
% sh load
$ rmmod -s c
? 1
@ differential

### version
$ rmmod -V
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### help on stdout
$ rmmod -h
>*

### invalid option
$ rmmod -x
! @BUILD@/src/rmmod: invalid option -- 'x'
? 1

### unrecognized long option
$ rmmod --xyz c
! @BUILD@/src/rmmod: unrecognized option '--xyz'
? 1

### a name that cannot become a module: message, and the loop stops
% sh load c
$ rmmod @LONGNAME@ c
! rmmod: ERROR: could not use module @LONGNAME@: File name too long
? 1
c-

### rmmod -h: the help lists its usage and options (tools.md 2)
$ rmmod -h
>? [options] [list of modulenames]
>? -f, --force
>? dangerous
>? -s, --syslog
>? -v, --verbose
>? -V, --version
>? -h, --help
