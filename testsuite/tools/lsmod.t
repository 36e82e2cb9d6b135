# lsmod and kmod list (tools.md 4)
kver 6.1.0-test
file proc/modules
xt_LOG 20480 0 - Live 0xffffffffc0a52000
x_tables 53248 2 xt_LOG, Live 0xffffffffc0a30000
a_module_with_a_very_long_name 4096 1 - Live 0xffffffffc0a00000
end
file sys/module/xt_LOG/coresize
20480
end
file sys/module/xt_LOG/refcnt
0
end
mkdir sys/module/xt_LOG/holders
file sys/module/x_tables/coresize
53248
end
file sys/module/x_tables/refcnt
2
end
symlink ../../xt_LOG sys/module/x_tables/holders/xt_LOG
file sys/module/a_module_with_a_very_long_name/refcnt
1
end
mkdir sys/module/a_module_with_a_very_long_name/holders
---
### table layout, size falls back to /proc/modules without coresize
$ lsmod
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG
> a_module_with_a_very_long_name     4096  1
@ differential

### kmod list is lsmod
$ kmod list
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG
> a_module_with_a_very_long_name     4096  1

### -v and -s change nothing in the table
$ lsmod -v
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG
> a_module_with_a_very_long_name     4096  1

### operands are refused
$ lsmod foo
! lsmod: ERROR: too many arguments provided.
? 1

### kmod list names itself kmod
$ kmod list foo
! kmod: ERROR: too many arguments provided.
? 1

### unparsable refcnt
% printf 'x\n' > sys/module/xt_LOG/refcnt
$ lsmod
> Module                  Size  Used by
> xt_LOG                 20480  -22
> x_tables               53248  2 xt_LOG
> a_module_with_a_very_long_name     4096  1
!L lsmod: ERROR: could not read integer from '/sys/module/xt_LOG/refcnt': 'Invalid argument'

### missing holders directory
% printf '0\n' > sys/module/xt_LOG/refcnt; rmdir sys/module/xt_LOG/holders
$ lsmod
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG
> a_module_with_a_very_long_name     4096  1
! lsmod: ERROR: could not open '/sys/module/xt_LOG/holders': No such file or directory

### a module that vanished from /sys is skipped (deliberate: kmod prints it with -2 fields)
% mkdir sys/module/xt_LOG/holders; rm -rf sys/module/a_module_with_a_very_long_name
$ lsmod
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG

### several vanished modules are all skipped
% printf 'gone 4096 0 - Live 0x0\n' >> proc/modules
$ lsmod
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG

### no /proc/modules
% rm proc/modules
$ lsmod
!L lsmod: ERROR: could not open /proc/modules: No such file or directory
! lsmod: ERROR: could not get list of modules: No such file or directory
? 1

### version
$ lsmod -V
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### -s: the messages go to syslog, stderr stays empty
$ lsmod -s
? 1

### kmod list -s
$ kmod list --syslog
? 1
