# insmod (tools.md 5.1, 1.2)
kver 6.1.0-test
module kernel/a.ko
  modinfo license=GPL
module kernel/b.ko.xz
  modinfo license=GPL
module kernel/dir-name.ko
---
### inserts through finit_module with no parameters
$ insmod lib/modules/@KVER@/kernel/a.ko
c finit_module name=a flags=0 args=
@ differential

### the module is then loaded: inserting again gives EEXIST's text
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: File exists
? 1
@ differential

### parameters are joined, values with spaces quoted
% rm -rf sys/module/a; sed -i '/^a /d' proc/modules
$ insmod lib/modules/@KVER@/kernel/a.ko a=1 'b=x y' "c='q r'" d
c finit_module name=a flags=0 args=a=1 b="x y" c='q r' d

### -f asks to ignore both version checks
% rm -rf sys/module/a; sed -i '/^a /d' proc/modules
$ insmod -f lib/modules/@KVER@/kernel/a.ko
c finit_module name=a flags=3 args=
@ differential

### options may follow operands
% rm -rf sys/module/a; sed -i '/^a /d' proc/modules
$ insmod lib/modules/@KVER@/kernel/a.ko x=1 --force
c finit_module name=a flags=3 args=x=1

### a compressed file the kernel cannot decompress goes through init_module
needs xz
$ insmod lib/modules/@KVER@/kernel/b.ko.xz
c~ init_module name=b len=[0-9]+ args=
@ differential

### with /sys/module/compression naming the format, finit_module decompresses
% mkdir -p sys/module; echo xz > sys/module/compression; rm -rf sys/module/b; sed -i '/^b /d' proc/modules
$ insmod lib/modules/@KVER@/kernel/b.ko.xz
c finit_module name=b flags=4 args=

### missing filename
$ insmod
! insmod: ERROR: missing filename.
? 1
@ differential

### stdin is refused
$ insmod -
! insmod: ERROR: this tool does not support loading from stdin!
? 1
@ differential

### a file that does not exist
$ insmod /nonexist.ko
! insmod: ERROR: could not load module /nonexist.ko: No such file or directory
? 1
@ differential

### ENOEXEC
% printf 'finit_module a ENOEXEC\n' > .shim/errors; rm -rf sys/module/a; sed -i '/^a /d' proc/modules
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Invalid module format
? 1
@ differential

### ENOENT
% printf 'finit_module a ENOENT\n' > .shim/errors
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Unknown symbol in module
? 1
@ differential

### ESRCH
% printf 'finit_module a ESRCH\n' > .shim/errors
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Module has wrong symbol version
? 1
@ differential

### EINVAL
% printf 'finit_module a EINVAL\n' > .shim/errors
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Invalid parameters
? 1
@ differential

### other errnos use strerror
% printf 'finit_module a EKEYREJECTED\n' > .shim/errors
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Key was rejected by service
? 1
@ differential

### EPERM
% printf 'finit_module a EPERM\n' > .shim/errors
$ insmod lib/modules/@KVER@/kernel/a.ko
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Operation not permitted
? 1
@ differential

### ENOSYS from finit_module falls back to init_module
% printf 'finit_module * ENOSYS\n' > .shim/errors
$ insmod lib/modules/@KVER@/kernel/a.ko
c finit_module name=a flags=0 args=
c~ init_module name=a len=[0-9]+ args=
@ differential

### -vvv adds the library's INFO line on failure
% printf 'finit_module a EPERM\n' > .shim/errors; rm -rf sys/module/a; sed -i '/^a /d' proc/modules
$ insmod -vvv lib/modules/@KVER@/kernel/a.ko
! insmod: INFO: Failed to insert module '@ROOT@/lib/modules/@KVER@/kernel/a.ko': Operation not permitted
! insmod: ERROR: could not insert module lib/modules/@KVER@/kernel/a.ko: Operation not permitted
? 1
!*

### invalid option
$ insmod -x
! @BUILD@/src/insmod: invalid option -- 'x'
? 1

### help goes to stdout
$ insmod -h
>*

### a directory
$ insmod lib
! insmod: ERROR: could not insert module lib: Is a directory
? 1
@ differential

### -s sends messages to syslog
$ insmod -s /nonexist.ko
? 1

### -v changes nothing on success
% rm -f .shim/errors; rm -rf sys/module/a; sed -i '/^a /d' proc/modules
$ insmod -v lib/modules/@KVER@/kernel/a.ko
c finit_module name=a flags=0 args=

### version
$ insmod --version
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### insmod -h: the help lists its usage and options (tools.md 2)
$ insmod -h
>? [options] filename [module options]
>? -f, --force
>? dangerous
>? -s, --syslog
>? -v, --verbose
>? -V, --version
>? -h, --help
