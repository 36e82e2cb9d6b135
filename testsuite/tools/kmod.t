# the kmod multi-call binary: dispatch, option parsing conventions (tools.md 1.1, 2, 9)
kver 6.1.0-test
file proc/modules
end
---
% ln -s "$BUILD/src/kmod" frob; ln -s "$BUILD/src/kmod" lsmod.x; ln -s "$BUILD/src/kmod" kmod.static
% mkdir -p bin; ln -s "$BUILD/src/kmod" bin/lsmod; ln -s "$BUILD/src/kmod" bin/kmod

### kmod alone: missing command, help on stdout
$ kmod
! missing command
>*
? 1

### unknown command
$ kmod foo
! invalid command 'foo'
>*
? 1

### kmod help
$ kmod help
>*

### kmod help ignores its operands
$ kmod help anything
>*

### kmod -h
$ kmod -h
>*

### kmod --help
$ kmod --help
>*

### kmod -V
$ kmod -V
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### kmod --version
$ kmod --version
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### long options may be abbreviated
$ kmod --vers
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### -V before -h wins
$ kmod -V -h
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### -h before -V wins
$ kmod -h -V
>*

### invalid option: getopt message with argv[0] as typed, no help
$ kmod -x
! @BUILD@/src/kmod: invalid option -- 'x'
? 1

### argv[0] as typed through a relative link
$ bin/kmod -x
! bin/kmod: invalid option -- 'x'
? 1

### kmod stops at the first non-option: list sees -x
$ kmod list -x
! list: invalid option -- 'x'
? 1

### kmod static-nodes has no -V
$ kmod static-nodes -V
! static-nodes: invalid option -- 'V'
? 1

### unknown tool names: no output, exit 1
$ ./frob
? 1

### a name with a suffix is unknown
$ ./lsmod.x
? 1

### kmod.static is unknown
$ ./kmod.static -V
? 1

### a compat name through a link in a directory
$ bin/lsmod
> Module                  Size  Used by

### compat name: getopt message with the path as typed
$ bin/lsmod --xyz
! bin/lsmod: unrecognized option '--xyz'
? 1

### -V wins even with operands after it
$ lsmod -V foo
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### an invalid option before -V exits 1 first
$ lsmod -x -V
! @BUILD@/src/lsmod: invalid option -- 'x'
? 1

### options after operands (permutation)
$ modprobe c -D -S 9.9
! modprobe: FATAL: Module c not found in directory /lib/modules/9.9
? 1

### -- ends the options
$ modprobe -D -- -v
! modprobe: FATAL: Module -v not found in directory /lib/modules/@KVER@
? 1

### abbreviated long option of a tool
$ modprobe --resolve --set-v=9.9 c
! modprobe: FATAL: Module c not found in directory /lib/modules/9.9
? 1

### missing argument of a long option
$ modprobe --config
! @BUILD@/src/modprobe: option '--config' requires an argument
? 1

### modinfo -V
$ modinfo -V
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### insmod -V with operands
$ insmod -V x.ko
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### insmod -h before -V
$ insmod -h -V
>*

### lsmod -h: the help lists its usage and options (tools.md 2)
$ lsmod -h
>? lsmod [options]
>? -s, --syslog
>? -v, --verbose
>? -V, --version
>? -h, --help

### kmod -h: the help lists its usage and options (tools.md 2)
$ kmod -h
>? kmod [options] command [command_options]
>? -V, --version
>? -h, --help
>? help 
>? list 
>? static-nodes 
>? lsmod
>? rmmod
>? insmod
>? modinfo
>? modprobe
>? depmod

### kmod static-nodes -h: the help lists its usage and options (tools.md 2)
$ kmod static-nodes -h
>? kmod static-nodes [options]
>? -f, --format=FORMAT
>? -o, --output=FILE
>? -h, --help
>? human
>? tmpfiles
>? devname
