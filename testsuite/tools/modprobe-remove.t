# modprobe -r: the removal algorithm (tools.md 6.5), --remove-holders, --wait (6.7),
# remove commands, -i, -f, -n, --first-time, messages and exit codes (6.8). Kernel state
# is made by Debian's insmod (kmod 30) under the shim before each case.
kver 6.1.0-test
module kernel/x_tables.ko
  export xt_register 0x11
module kernel/xt_LOG.ko
  modinfo depends=x_tables
  undef xt_register
module kernel/nf_log_syslog.ko
module kernel/c.ko
  export c_fn 0x1
module kernel/m.ko
  modinfo depends=c
  undef c_fn
module kernel/p1.ko
module kernel/p2.ko
module kernel/q1.ko
module kernel/q2.ko
module kernel/m2.ko
module kernel/rmc.ko
module kernel/rmfail.ko
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
file etc/modprobe.d/test.conf
softdep xt_LOG pre: nf_log_syslog
softdep m pre: p1 p2 post: q1 q2
softdep m2 pre: bi post: notloaded
remove rmc echo "rmc:$MODPROBE_MODULE:$CMDLINE_OPTS." >> out.txt
remove rmfail false
alias rmalias c
end
file proc/cmdline
quiet
end
file proc/modules
end
mkdir sys/module
file load
# load MODULE...: fresh kernel state with these modules loaded (Debian's insmod)
rm -rf sys/module/* .shim/errors out.txt
: > proc/modules
for m; do
	LD_PRELOAD=$BUILD/testsuite/shim/modkit-shim.so MODKIT_ROOT=$ROOT "$BUILD/src/insmod" lib/modules/$KVER/kernel/$m.ko || exit 1
done
end
---
% "$BUILD/src/depmod" -b . @KVER@ 2>/dev/null

### not loaded: nothing happens
% sh load
$ modprobe -r c
c-
@ differential

### --first-time: not loaded is fatal
$ modprobe -r --first-time c
! modprobe: FATAL: Module c is not in kernel.
? 1
c-
@ differential

### builtin
$ modprobe -r bi
! modprobe: FATAL: Module bi is builtin.
? 1
c-
@ differential

### not found
$ modprobe -r nosuch
! modprobe: FATAL: Module nosuch not found.
? 1
@ differential

### -q hides it
$ modprobe -r -q nosuch
? 1
@ differential

### in use (no holder list)
% sh load x_tables xt_LOG
$ modprobe -r x_tables
! modprobe: FATAL: Module x_tables is in use.
? 1
c-
@ differential

### the module, then its unused dependency, then the pre-softdep
% sh load x_tables xt_LOG nf_log_syslog
$ modprobe -r -v xt_LOG
> rmmod xt_LOG
> rmmod x_tables
> rmmod nf_log_syslog
c delete_module name=xt_LOG flags=2048
c delete_module name=x_tables flags=2048
c delete_module name=nf_log_syslog flags=2048
@ differential

### post-softdeps last to first, the module, dependencies, pre-softdeps last to first
% sh load c m p1 p2 q1 q2
$ modprobe -r m
c delete_module name=q2 flags=2048
c delete_module name=q1 flags=2048
c delete_module name=m flags=2048
c delete_module name=c flags=2048
c delete_module name=p2 flags=2048
c delete_module name=p1 flags=2048
@ differential

### a dependency still in use stays
% sh load c m; echo 2 > sys/module/c/refcnt
$ modprobe -r -v m
> rmmod m
c delete_module name=m flags=2048
@ differential

### -i: softdeps are ignored
% sh load c m p1 p2 q1 q2
$ modprobe -r -i -v m
> rmmod m
> rmmod c
c delete_module name=m flags=2048
c delete_module name=c flags=2048
@ differential

### quirk: the module goes, then the busy pre-softdep is fatal
% sh load x_tables xt_LOG nf_log_syslog; echo 1 > sys/module/nf_log_syslog/refcnt
$ modprobe -r xt_LOG
! modprobe: FATAL: Module nf_log_syslog is in use.
? 1
c delete_module name=xt_LOG flags=2048
c delete_module name=x_tables flags=2048
@ differential

### a builtin or unloaded softdep is skipped silently
% sh load m2
$ modprobe -r m2
c delete_module name=m2 flags=2048
@ differential

### --remove-holders: holders first (with their softdeps), then the module
% sh load x_tables xt_LOG nf_log_syslog
$ modprobe -r -v --remove-holders x_tables
> rmmod xt_LOG
> rmmod nf_log_syslog
> rmmod x_tables
c delete_module name=xt_LOG flags=2048
c delete_module name=nf_log_syslog flags=2048
c delete_module name=x_tables flags=2048

### --remove-dependencies is the same option
% sh load x_tables xt_LOG
$ modprobe -r --remove-dependencies x_tables
c delete_module name=xt_LOG flags=2048
c delete_module name=x_tables flags=2048

### a failing holder aborts
% sh load x_tables xt_LOG; echo 'delete_module xt_LOG EPERM' > .shim/errors
$ modprobe -r --remove-holders x_tables
!L modprobe: ERROR: could not remove 'xt_LOG': Operation not permitted
? 1
c delete_module name=xt_LOG flags=2048

### -f: O_NONBLOCK|O_TRUNC
% sh load c
$ modprobe -r -f c
c delete_module name=c flags=2560
@ differential

### --first-time on a loaded module removes it
% sh load c
$ modprobe -r --first-time c
c delete_module name=c flags=2048
@ differential

### -n -v: lines, no calls
% sh load c m p1 p2 q1 q2
$ modprobe -r -n -v m
> rmmod q2
> rmmod q1
> rmmod m
> rmmod p2
> rmmod p1
c-
@ differential

### alias operand
% sh load c
$ modprobe -r rmalias
c delete_module name=c flags=2048
@ differential

### -a: every operand, failures are WARNINGs
% sh load c p1
$ modprobe -r -a c nosuch p1
! modprobe: WARNING: Module nosuch not found.
? 1
c delete_module name=c flags=2048
c delete_module name=p1 flags=2048
@ differential

### without -a, later operands are modules too
% sh load c p1
$ modprobe -r c p1
c delete_module name=c flags=2048
c delete_module name=p1 flags=2048
@ differential

### busy removal fails with the library message
% sh load c; echo 'delete_module c EAGAIN' > .shim/errors
$ modprobe -r c
!L modprobe: ERROR: could not remove 'c': Resource temporarily unavailable
? 1
c delete_module name=c flags=2048

### --wait: busy until the deadline is success, retried with back-off
# (100 ms: tries at 0 2 6 14 30 62 94 98 100 ms; at least 6 even on a slow machine)
% sh load c; echo 'delete_module c EAGAIN' > .shim/errors
$ modprobe -r -v --wait=100 c
> rmmod c
c delete_module name=c flags=2048
c delete_module name=c flags=2048
c delete_module name=c flags=2048
c delete_module name=c flags=2048
c delete_module name=c flags=2048
c+ delete_module name=c flags=2048

### --wait skips the refcnt pre-check
% sh load x_tables xt_LOG
$ modprobe -r -w 0x10 x_tables
c delete_module name=x_tables flags=2048
c+ delete_module name=x_tables flags=2048

### --wait with another error: modprobe's own message
% sh load c; echo 'delete_module c EPERM' > .shim/errors
$ modprobe -r -w 100 c
! modprobe: ERROR: could not remove 'c': Operation not permitted
? 1
c delete_module name=c flags=2048
@ differential

### --wait: trailing junk
$ modprobe -r -w 12x c
! modprobe: ERROR: unexpected wait value '12x'.
? 1
c-
@ differential

### --wait: empty value
$ modprobe -r --wait= c
! modprobe: ERROR: unexpected wait value ''.
? 1
@ differential

### remove command runs (even when not loaded), $CMDLINE_OPTS removed
% sh load
$ modprobe -r -v rmc
> remove echo "rmc:$MODPROBE_MODULE:." >> out.txt
c-
f out.txt
f> rmc:rmc:.
@ differential

### -i ignores the remove command
% sh load rmc
$ modprobe -r -i -v rmc
> rmmod rmc
c delete_module name=rmc flags=2048
f out.txt
f> (missing)
@ differential

### remove command failing
% sh load rmfail
$ modprobe -r rmfail
! modprobe: FATAL: Error running remove command for rmfail
? 1
c-
@ differential

### -q: a hidden FATAL does not end the program
% sh load c
$ modprobe -q -r nosuch c
? 1
c delete_module name=c flags=2048
@ differential
