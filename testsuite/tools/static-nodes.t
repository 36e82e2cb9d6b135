# kmod static-nodes (tools.md 9)
kver 6.1.0-test
file lib/modules/6.1.0-test/modules.devname
# Device nodes to trigger on-demand module loading.
loop loop-control c10:237
fuse fuse c10:229
btrfs btrfs-control c10:234
dm_mod mapper/control c10:236
nvme nvme-fabrics/ctl b259:7
end
---
### human format is the default
$ kmod static-nodes
> Module: loop
> 	Device node: /dev/loop-control
> 		Type: character device
> 		Major: 10
> 		Minor: 237
> Module: fuse
> 	Device node: /dev/fuse
> 		Type: character device
> 		Major: 10
> 		Minor: 229
> Module: btrfs
> 	Device node: /dev/btrfs-control
> 		Type: character device
> 		Major: 10
> 		Minor: 234
> Module: dm_mod
> 	Device node: /dev/mapper/control
> 		Type: character device
> 		Major: 10
> 		Minor: 236
> Module: nvme
> 	Device node: /dev/nvme-fabrics/ctl
> 		Type: block device
> 		Major: 259
> 		Minor: 7

### tmpfiles format creates parent directories
$ kmod static-nodes --format=tmpfiles
> c! /dev/loop-control 0600 - - - 10:237
> c! /dev/fuse 0600 - - - 10:229
> c! /dev/btrfs-control 0600 - - - 10:234
> d /dev/mapper 0755 - - -
> c! /dev/mapper/control 0600 - - - 10:236
> d /dev/nvme-fabrics 0755 - - -
> b! /dev/nvme-fabrics/ctl 0600 - - - 259:7

### devname format
$ kmod static-nodes -f devname
> loop loop-control c10:237
> fuse fuse c10:229
> btrfs btrfs-control c10:234
> dm_mod mapper/control c10:236
> nvme nvme-fabrics/ctl b259:7

### output file with missing parents
$ kmod static-nodes -f devname -o @ROOT@/run/tmpfiles.d/kmod.conf
f run/tmpfiles.d/kmod.conf
f> loop loop-control c10:237
f> fuse fuse c10:229
f> btrfs btrfs-control c10:234
f> dm_mod mapper/control c10:236
f> nvme nvme-fabrics/ctl b259:7

### unknown format: message and help, exit 1
% true
$ kmod static-nodes -f xml -o /dev/null
! Unknown format: 'xml'.
? 1
>*

### bad lines are reported and skipped, exit 1
% printf 'ok ok c1:2\n\nbroken line\nx y z1:2\n' > lib/modules/6.1.0-test/modules.devname
$ kmod static-nodes -f devname
> ok ok c1:2
! Error: invalid devname entry: 
! Error: invalid devname entry: broken line
! Error: invalid devname entry: x y z1:2
? 1

### missing modules.devname is only a warning, and -o is not created
% rm lib/modules/6.1.0-test/modules.devname
$ kmod static-nodes -o @ROOT@/out/nodes.conf
! Warning: /lib/modules/6.1.0-test/modules.devname not found - ignoring
f out/nodes.conf
f> (missing)

### -V is not an option of static-nodes (getopt names the command word)
$ kmod static-nodes -V
! static-nodes: invalid option -- 'V'
? 1

### -o parents cannot be made
% printf 'loop loop-control c10:237\n' > lib/modules/6.1.0-test/modules.devname; touch afile
$ kmod static-nodes -o @ROOT@/afile/sub/out.conf
! Error: could not create parent directory for @ROOT@/afile/sub/out.conf - Not a directory.
? 1

### -o file cannot be created
% mkdir -p adir
$ kmod static-nodes --output=@ROOT@/adir
! Error: could not create @ROOT@/adir - Is a directory
? 1

### other open error of modules.devname
% rm lib/modules/6.1.0-test/modules.devname; ln -s modules.devname lib/modules/6.1.0-test/modules.devname
$ kmod static-nodes
! Error: could not open /lib/modules/6.1.0-test/modules.devname - Too many levels of symbolic links
? 1

### long option --format, operands are ignored
% rm lib/modules/6.1.0-test/modules.devname; printf 'fuse fuse c10:229\n' > lib/modules/6.1.0-test/modules.devname
$ kmod static-nodes --format=tmpfiles ignored operands
> c! /dev/fuse 0600 - - - 10:229

### help
$ kmod static-nodes --help
>*
