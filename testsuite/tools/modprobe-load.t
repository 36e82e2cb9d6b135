# modprobe: insertion, -D/-n/-v action lines, options merging, softdeps, install
# commands, blacklist, builtin modules, messages and exit codes (tools.md 6.1-6.4, 6.8;
# formats.md 7). The tree is indexed by Debian's depmod (kmod 30); "@ differential" cases also
# run Debian's modprobe (kmod 30) on a copy of the fixture: same output and kernel calls.
kver 6.1.0-test
module kernel/x_tables.ko
  modinfo license=GPL
  export xt_register 0x11
module kernel/xt_LOG.ko
  modinfo alias=ipt_LOG
  modinfo depends=x_tables
  undef xt_register
module kernel/nf_log_syslog.ko
  modinfo alias=nf-logger-2-0
module kernel/c.ko
  export c_fn 0x1
module kernel/b.ko
  modinfo depends=c
  export b_fn 0x2
  undef c_fn
module kernel/a.ko
  modinfo depends=b
  undef b_fn
module kernel/p1.ko
module kernel/q1.ko
module kernel/inst.ko
module kernel/failing.ko
module kernel/bl.ko
  modinfo alias=blalias
module kernel/multi1.ko
  modinfo alias=multi:x
module kernel/multi2.ko
  modinfo alias=multi:*
module kernel/corrupt.ko
module kernel/dash-name.ko
module kernel/d.ko
  undef c_fn
module kernel/novm.ko
  noauto
module kernel/sd.ko
module kernel/sd2.ko
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
bi.alias=bi-alias\0bi.license=GPL\0
end
file etc/modprobe.d/test.conf
options x_tables t=9
options x_tables	tab=1
options xt_LOG  dbl=2
alias myalias xt_LOG
options myalias viaalias=1
softdep xt_LOG pre: nf_log_syslog
softdep b pre: p1 post: q1
install inst echo "inst:$MODPROBE_MODULE:$CMDLINE_OPTS:$MODPROBE_OPTIONS" >> out.txt
install failing false
blacklist bl
alias nofile nofilemod
options dash_name d=1
softdep sd pre: p1
install sd echo sd-install
softdep sd2 pre: nonexistent
install sd2 echo sd2-install
end
file etc/modprobe.d/other/extra.conf
options a fromfile=1
end
file etc/modprobe.d/dir2/y.conf
options a fromdir=1
end
file reset
rm -rf sys/module/* .shim/errors out.txt
: > proc/modules
end
file proc/cmdline
BOOT_IMAGE=/vmlinuz root=/dev/sda x_tables.fromcmd=1 modprobe.blacklist=cmd-bl,c quiet
end
file proc/modules
end
mkdir sys/module
---
% "$BUILD/src/depmod" -b . @KVER@ 2>/dev/null

### -D: dependencies first, pre-softdep before the module; options of config and cmdline
$ modprobe -D xt_LOG
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 tab=1 fromcmd=1 
> insmod /lib/modules/@KVER@/kernel/nf_log_syslog.ko 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2 
c-
@ differential

### -D: alias options and parameters follow the module's own options
$ modprobe -D myalias extra=1
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 tab=1 fromcmd=1 
> insmod /lib/modules/@KVER@/kernel/nf_log_syslog.ko 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2 viaalias=1 extra=1
@ differential

### -D: dependencies deepest first, each wrapped by its softdeps
$ modprobe -D a
> insmod /lib/modules/@KVER@/kernel/c.ko 
> insmod /lib/modules/@KVER@/kernel/p1.ko 
> insmod /lib/modules/@KVER@/kernel/b.ko 
> insmod /lib/modules/@KVER@/kernel/q1.ko 
> insmod /lib/modules/@KVER@/kernel/a.ko 
@ differential

### -D -i: the named module's softdeps are dropped, dependencies keep theirs
$ modprobe -D -i xt_LOG
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 tab=1 fromcmd=1 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2 
@ differential

### -D -i on a module whose dependency has softdeps
$ modprobe -D -i a
> insmod /lib/modules/@KVER@/kernel/c.ko 
> insmod /lib/modules/@KVER@/kernel/p1.ko 
> insmod /lib/modules/@KVER@/kernel/b.ko 
> insmod /lib/modules/@KVER@/kernel/q1.ko 
> insmod /lib/modules/@KVER@/kernel/a.ko 
@ differential

### -D: install command printed before $CMDLINE_OPTS substitution, options appended
$ modprobe -D inst k=v
> install echo "inst:$MODPROBE_MODULE:$CMDLINE_OPTS:$MODPROBE_OPTIONS" >> out.txt k=v
c-
@ differential

### -D -i: the install command is ignored
$ modprobe -D -i inst
> insmod /lib/modules/@KVER@/kernel/inst.ko 
@ differential

### -D: builtin module
$ modprobe -D bi
> builtin bi
@ differential

### -D: builtin module through modules.builtin.alias.bin
$ modprobe -D bi-alias
> builtin bi
@ differential

### -R: alias resolving to several modules, index order
$ modprobe -R multi:x
> multi1
> multi2
@ differential

### -R: symbol: lookup
$ modprobe -R symbol:xt_register
> x_tables
@ differential

### -R: config alias, names are normalised
$ modprobe -R myalias
> xt_LOG
@ differential

### -R: dashes become underscores
$ modprobe -R dash-name
> dash_name
@ differential

### -R: not found
$ modprobe -R nosuch
! modprobe: FATAL: Module nosuch not found in directory /lib/modules/@KVER@
? 1
@ differential

### -n alone prints nothing and calls nothing
$ modprobe -n xt_LOG
c-
@ differential

### -n -v prints the actions
$ modprobe -n -v a
> insmod /lib/modules/@KVER@/kernel/c.ko 
> insmod /lib/modules/@KVER@/kernel/p1.ko 
> insmod /lib/modules/@KVER@/kernel/b.ko 
> insmod /lib/modules/@KVER@/kernel/q1.ko 
> insmod /lib/modules/@KVER@/kernel/a.ko 
c-
@ differential

### --dry-run and --show are -n
$ modprobe --dry-run --verbose c
> insmod /lib/modules/@KVER@/kernel/c.ko 
c-
@ differential

### --show
$ modprobe --show -v c
> insmod /lib/modules/@KVER@/kernel/c.ko 
c-
@ differential

### loading for real: plan order, options reach the kernel
$ modprobe a
c finit_module name=c flags=0 args=
c finit_module name=p1 flags=0 args=
c finit_module name=b flags=0 args=
c finit_module name=q1 flags=0 args=
c finit_module name=a flags=0 args=
@ differential

### already loaded: silently nothing (parameters dropped)
$ modprobe a x=1
c-
@ differential

### -v: already loaded modules are skipped without a line
$ modprobe -v a
c-
@ differential

### -D ignores the loaded state
$ modprobe -D c
> insmod /lib/modules/@KVER@/kernel/c.ko 
@ differential

### --first-time on a loaded module
$ modprobe --first-time a
! modprobe: ERROR: could not insert 'a': Module already in kernel
? 1
c-
@ differential

### --first-time on a builtin module
$ modprobe --first-time bi
! modprobe: ERROR: could not insert 'bi': Module already in kernel
? 1
@ differential

### a builtin module is "loaded": nothing to do
$ modprobe bi
c-
@ differential

### -v prints insmod lines with the options, parameters quoted
$ modprobe -v xt_LOG 'v=a b' w
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 tab=1 fromcmd=1 
> insmod /lib/modules/@KVER@/kernel/nf_log_syslog.ko 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2 v="a b" w
c finit_module name=x_tables flags=0 args=t=9 tab=1 fromcmd=1 
c finit_module name=nf_log_syslog flags=0 args=
c finit_module name=xt_LOG flags=0 args= dbl=2 v="a b" w
@ differential

### -f: both force flags
$ modprobe -f -i inst
c finit_module name=inst flags=3 args=
@ differential

### --force-modversion
% rm -rf sys/module/inst; sed -i '/^inst /d' proc/modules
$ modprobe --force-modversion -i inst
c finit_module name=inst flags=1 args=
@ differential

### --force-vermagic
% rm -rf sys/module/inst; sed -i '/^inst /d' proc/modules
$ modprobe --force-vermagic -i inst
c finit_module name=inst flags=2 args=
@ differential

### without finit_module the image goes to init_module
% rm -rf sys/module/inst; sed -i '/^inst /d' proc/modules; echo 'finit_module * ENOSYS' > .shim/errors
$ modprobe -i inst
c finit_module name=inst flags=0 args=
c~ init_module name=inst len=[0-9]+ args=
@ differential

### --force-vermagic on the init_module path
% rm -rf sys/module/inst; sed -i '/^inst /d' proc/modules
$ modprobe --force-vermagic -i inst
c finit_module name=inst flags=2 args=
c~ init_module name=inst len=[0-9]+ args=
@ differential

### install command: runs with MODPROBE_MODULE and $CMDLINE_OPTS; -v prints it
% sh reset
$ modprobe -v inst 'y=a b'
> install echo "inst:$MODPROBE_MODULE:$CMDLINE_OPTS:$MODPROBE_OPTIONS" >> out.txt y="a b"
c-
f out.txt
f> inst:inst:y=a b:-v
@ differential

### MODPROBE_OPTIONS words and -C/-q/-v/-s are re-exported to commands
% rm -f out.txt
= MODPROBE_OPTIONS=-v
$ modprobe -C /etc/modprobe.d inst -q
f out.txt
f> inst:inst::-v -v -C /etc/modprobe.d -q
@ differential

### install command failing
$ modprobe failing
!L modprobe: ERROR: Error running install command 'false' for module failing: retcode 1
! modprobe: ERROR: could not insert 'failing': Invalid argument
? 1
c-

### module without file that is not builtin
$ modprobe nofile
!L modprobe: ERROR: could not find module by name='nofilemod'
! modprobe: ERROR: could not insert 'nofilemod': Unknown symbol in module, or unknown parameter (see dmesg)
? 1

### blacklisted module reached through an alias: silent no-op
$ modprobe blalias
c-
@ differential

### blacklisted module by name is loaded without -b
$ modprobe -n -v bl
> insmod /lib/modules/@KVER@/kernel/bl.ko 
@ differential

### -b refuses it by name too
$ modprobe -b bl
c-
@ differential

### kernel command line blacklist (unnormalised) applies to aliases
$ modprobe -D -b c
@ differential

### insertion ENOENT
% sh reset; echo 'finit_module x_tables ENOENT' > .shim/errors
$ modprobe x_tables
! modprobe: ERROR: could not insert 'x_tables': Unknown symbol in module, or unknown parameter (see dmesg)
? 1
c finit_module name=x_tables flags=0 args=t=9 tab=1 fromcmd=1 
@ differential

### other insertion errnos
% sh reset; echo 'finit_module x_tables EPERM' > .shim/errors
$ modprobe x_tables
! modprobe: ERROR: could not insert 'x_tables': Operation not permitted
? 1
@ differential

### a failing hard dependency stops the operand
% sh reset; echo 'finit_module x_tables EPERM' > .shim/errors
$ modprobe xt_LOG
! modprobe: ERROR: could not insert 'xt_LOG': Operation not permitted
? 1
c finit_module name=x_tables flags=0 args=t=9 tab=1 fromcmd=1 
@ differential

### a failing softdep is ignored
% sh reset; echo 'finit_module nf_log_syslog EPERM' > .shim/errors
$ modprobe xt_LOG
c finit_module name=x_tables flags=0 args=t=9 tab=1 fromcmd=1 
c finit_module name=nf_log_syslog flags=0 args=
c finit_module name=xt_LOG flags=0 args= dbl=2 
@ differential

### garbage module file
% rm -f .shim/errors; printf 'garbage' > lib/modules/@KVER@/kernel/corrupt.ko
$ modprobe corrupt
! modprobe: ERROR: could not insert 'corrupt': Exec format error
? 1
@ differential

### not found
$ modprobe nosuch
! modprobe: FATAL: Module nosuch not found in directory /lib/modules/@KVER@
? 1
@ differential

### -a: not found is a WARNING, the other operands are processed
% sh reset
$ modprobe -a -n -v nosuch c other
> insmod /lib/modules/@KVER@/kernel/c.ko 
! modprobe: WARNING: Module nosuch not found in directory /lib/modules/@KVER@
! modprobe: WARNING: Module other not found in directory /lib/modules/@KVER@
? 1
@ differential

### -a: operands are modules, not parameters
$ modprobe -a -D c p1
> insmod /lib/modules/@KVER@/kernel/c.ko 
> insmod /lib/modules/@KVER@/kernel/p1.ko 
@ differential

### -q hides the message, exit 1
$ modprobe -q nosuch
? 1
@ differential

### -q then -v twice: the threshold is 2, FATAL shows again
$ modprobe -q -v -v nosuch
! modprobe: FATAL: Module nosuch not found in directory /lib/modules/@KVER@
? 1
@ differential

### -q then -v once: threshold 1, still hidden
$ modprobe -q -v nosuch
? 1
@ differential

### -s: messages go to syslog, stderr stays empty
$ modprobe -s nosuch
? 1
@ differential

### path operand: dependencies still from the index
$ modprobe -D /lib/modules/@KVER@/kernel/xt_LOG.ko
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 tab=1 fromcmd=1 
> insmod /lib/modules/@KVER@/kernel/nf_log_syslog.ko 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2 

### ./path operand relative to the cwd
$ modprobe -D ./lib/modules/@KVER@/kernel/c.ko
> insmod @ROOT@/./lib/modules/@KVER@/kernel/c.ko 

### path operand that does not exist
$ modprobe /nonexist.ko
! modprobe: FATAL: Failed to get module from path /nonexist.ko: No such file or directory
? 1

### ../path is a name
$ modprobe ../x.ko
! modprobe: FATAL: Module ../x.ko not found in directory /lib/modules/@KVER@
? 1
@ differential

### names with wildcards are names
$ modprobe 'x_tab*'
! modprobe: FATAL: Module x_tab* not found in directory /lib/modules/@KVER@
? 1
@ differential

### -C file replaces the configuration list
$ modprobe -D -C /etc/modprobe.d/other/extra.conf a
> insmod /lib/modules/@KVER@/kernel/c.ko 
> insmod /lib/modules/@KVER@/kernel/b.ko 
> insmod /lib/modules/@KVER@/kernel/a.ko fromfile=1 
@ differential

### -C is repeatable, directories too
$ modprobe -D -C /etc/modprobe.d/other/extra.conf --config=/etc/modprobe.d/dir2 a p=1
> insmod /lib/modules/@KVER@/kernel/c.ko 
> insmod /lib/modules/@KVER@/kernel/b.ko 
> insmod /lib/modules/@KVER@/kernel/a.ko fromfile=1 fromdir=1 p=1
@ differential

### -S changes the module directory
$ modprobe -D -S 9.9 c
! modprobe: FATAL: Module c not found in directory /lib/modules/9.9
? 1
@ differential

### -d prefixes the module directory
$ modprobe -D -d /nowhere c
! modprobe: FATAL: Module c not found in directory /nowhere/lib/modules/@KVER@
? 1
@ differential

### -d with the root and -S with the version find the tree
$ modprobe -D -d / -S @KVER@ c
> insmod //lib/modules/@KVER@/kernel/c.ko 
@ differential

### no operand
$ modprobe
! modprobe: ERROR: missing parameters. See -h.
? 1
@ differential

### -V
$ modprobe -V
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### -h goes to stdout
$ modprobe -h
>*

### invalid option
$ modprobe -x
! @BUILD@/src/modprobe: invalid option -- 'x'
? 1

### option missing its argument
$ modprobe -C
! @BUILD@/src/modprobe: option requires an argument -- 'C'
? 1

### options after operands
$ modprobe c -D
> insmod /lib/modules/@KVER@/kernel/c.ko 
@ differential

### MODPROBE_OPTIONS words come before the arguments
= MODPROBE_OPTIONS=-D
$ modprobe c
> insmod /lib/modules/@KVER@/kernel/c.ko 
@ differential

### MODPROBE_OPTIONS: leading spaces give empty words (a module named "")
= MODPROBE_OPTIONS=  -v
$ modprobe c
! modprobe: FATAL: Module  not found in directory /lib/modules/@KVER@
? 1
@ differential

### MODPROBE_OPTIONS: a trailing space adds no word
= MODPROBE_OPTIONS=-D 
$ modprobe c
> insmod /lib/modules/@KVER@/kernel/c.ko 
@ differential

### MODPROBE_OPTIONS: a quoted word ends at its quote, the next word starts right after
= MODPROBE_OPTIONS="-S"9.9
$ modprobe c
! modprobe: FATAL: Module c not found in directory /lib/modules/9.9
? 1
@ differential

### MODPROBE_OPTIONS: quoted word then space: an empty word follows
= MODPROBE_OPTIONS="-S" 9.9
$ modprobe c
! modprobe: FATAL: Module 9.9 not found in directory /lib/modules/
? 1
@ differential

### MODPROBE_OPTIONS: quotes inside a word are removed
= MODPROBE_OPTIONS=-d /x"y z"w
$ modprobe c
! modprobe: FATAL: Module c not found in directory /xy zw/lib/modules/@KVER@
? 1
@ differential

### MODPROBE_OPTIONS: a quoted value word
= MODPROBE_OPTIONS=-S "9.9"
$ modprobe c
! modprobe: FATAL: Module c not found in directory /lib/modules/9.9
? 1
@ differential

### MODPROBE_OPTIONS gets -s too
% sh reset
$ modprobe -s -C /etc/modprobe.d inst
f out.txt
f> inst:inst::-s -C /etc/modprobe.d
@ differential

### stderr closed: messages go to syslog by themselves, the exit status stays
- close-stderr
$ modprobe nosuch
? 1

### stderr closed: stdout still works
- close-stderr
$ modprobe -n -v c
> insmod /lib/modules/@KVER@/kernel/c.ko 
@ differential

### the last module an alias resolves to decides the exit status (earlier failure)
% sh reset; echo 'finit_module multi1 EPERM' > .shim/errors
$ modprobe multi:x
! modprobe: ERROR: could not insert 'multi1': Operation not permitted
c finit_module name=multi1 flags=0 args=
c finit_module name=multi2 flags=0 args=
@ differential

### the last module an alias resolves to decides the exit status (last failure)
% sh reset; echo 'finit_module multi2 EPERM' > .shim/errors
$ modprobe multi:x
! modprobe: ERROR: could not insert 'multi2': Operation not permitted
? 1
c finit_module name=multi1 flags=0 args=
c finit_module name=multi2 flags=0 args=
@ differential

### kernel EEXIST for a dependency is ignored
% sh reset; echo 'finit_module c EEXIST' > .shim/errors
$ modprobe d
c finit_module name=c flags=0 args=
c finit_module name=d flags=0 args=
@ differential

### kernel EEXIST for the target is "already in kernel" only with --first-time
% sh reset; echo 'finit_module c EEXIST' > .shim/errors
$ modprobe c
c finit_module name=c flags=0 args=
@ differential

### kernel EEXIST for the target with --first-time
% sh reset; echo 'finit_module c EEXIST' > .shim/errors
$ modprobe --first-time c
! modprobe: ERROR: could not insert 'c': Module already in kernel
? 1
c finit_module name=c flags=0 args=
@ differential

### a dependency whose file is missing: library error twice, all dependencies dropped
# (kmod 30 does the same: the module's whole dependency list goes, loading goes on)
% sh reset; mv lib/modules/@KVER@/kernel/c.ko c.ko.away
$ modprobe -D a
> insmod /lib/modules/@KVER@/kernel/a.ko 
!L~ modprobe: ERROR: ctx=0x[0-9a-f]+ path=/lib/modules/@KVER@/kernel/c\.ko error=No such file or directory
!L~ modprobe: ERROR: ctx=0x[0-9a-f]+ path=/lib/modules/@KVER@/kernel/c\.ko error=No such file or directory

### the target's own file missing
% mv c.ko.away lib/modules/@KVER@/kernel/c.ko; mv lib/modules/@KVER@/kernel/p1.ko p1.ko.away
$ modprobe p1
! modprobe: ERROR: could not insert 'p1': Unknown symbol in module, or unknown parameter (see dmesg)
? 1
c-
@ differential

### -a with a failing module: exit 1, the rest is loaded
% mv p1.ko.away lib/modules/@KVER@/kernel/p1.ko; sh reset; echo 'finit_module c EPERM' > .shim/errors
$ modprobe -a c p1
! modprobe: ERROR: could not insert 'c': Operation not permitted
? 1
c finit_module name=c flags=0 args=
c finit_module name=p1 flags=0 args=
@ differential

### -q does not hide messages printed before the library context exists
$ modprobe -q
! modprobe: ERROR: missing parameters. See -h.
? 1
@ differential

### -R ignores the blacklist
$ modprobe -R blalias
> bl
@ differential

### -R with a path operand
$ modprobe -R /lib/modules/@KVER@/kernel/c.ko
> c

### -n -v prints an install command without running it
% sh reset
$ modprobe -n -v inst
> install echo "inst:$MODPROBE_MODULE:$CMDLINE_OPTS:$MODPROBE_OPTIONS" >> out.txt 
f out.txt
f> (missing)
@ differential

### a softdep that resolves makes the install command ignored
$ modprobe -D sd
> insmod /lib/modules/@KVER@/kernel/p1.ko 
> insmod /lib/modules/@KVER@/kernel/sd.ko 
@ differential

### a softdep that resolves nothing keeps the install command
$ modprobe -D sd2
> install echo sd2-install 
@ differential

### a name with a slash inside is a name
$ modprobe -D no/such
! modprobe: FATAL: Module no/such not found in directory /lib/modules/@KVER@
? 1
@ differential

### -r with wildcards and slashes
$ modprobe -r -a 'c*' no/such
! modprobe: WARNING: Module c* not found.
! modprobe: WARNING: Module no/such not found.
? 1
@ differential

### MODPROBE_OPTIONS: an unmatched quote is kept and the word runs to the end
= MODPROBE_OPTIONS=-D "x y
$ modprobe c
! modprobe: FATAL: Module "x y not found in directory /lib/modules/@KVER@
? 1
@ differential

### MODPROBE_OPTIONS: a word-initial unmatched quote
= MODPROBE_OPTIONS='-D
$ modprobe c
! modprobe: FATAL: Module '-D not found in directory /lib/modules/@KVER@
? 1
@ differential

### MODPROBE_OPTIONS: an unmatched quote inside a word
= MODPROBE_OPTIONS=-D -S'9 9
$ modprobe c
! modprobe: FATAL: Module c not found in directory /lib/modules/'9 9
? 1
@ differential

### MODPROBE_OPTIONS: mixed quotes (the space after the quoted word makes an empty word)
= MODPROBE_OPTIONS=-S 'x"y' -D
$ modprobe c
! modprobe: FATAL: Module  not found in directory /lib/modules/x"y
? 1
@ differential

### a path operand outside the index: no dependencies, config options by its name
% cp lib/modules/@KVER@/kernel/c.ko outside.ko; mkdir -p etc/modprobe.d/o; echo 'options outside o=1' > etc/modprobe.d/o/o.conf
$ modprobe -D -C /etc/modprobe.d/o ./outside.ko p=2
> insmod @ROOT@/./outside.ko o=1 p=2

### --force-vermagic on the init_module path blanks vermagic in the image passed
% sh reset; echo 'finit_module * ENOSYS' > .shim/errors
$ modprobe --force-vermagic p1
c finit_module name=p1 flags=2 args=
c~ init_module name=p1 len=[0-9]+ args=
@ differential

### the image the kernel got has no vermagic any more, the rest is intact
$ modinfo .shim/images/p1.ko
> filename:       @ROOT@/.shim/images/p1.ko
> name:           p1
@ differential

### without --force-vermagic the image keeps it
% sh reset; echo 'finit_module * ENOSYS' > .shim/errors
$ modprobe q1
c finit_module name=q1 flags=0 args=
c~ init_module name=q1 len=[0-9]+ args=

### the unforced image
$ modinfo -F vermagic .shim/images/q1.ko
> @KVER@ SMP preempt mod_unload modversions 

### --force-vermagic on a module without vermagic fails on the init_module path (34.2)
% sh reset; echo 'finit_module * ENOSYS' > .shim/errors
$ modprobe --force-vermagic novm
!L modprobe: ERROR: Failed to strip version information: No data available
! modprobe: ERROR: could not insert 'novm': No data available
? 1
c finit_module name=novm flags=2 args=
