# modprobe --explain (modprobe(8), EXPLAIN): one case per kind of decision. modkit's
# own feature: the expected texts follow the format the man page documents. The tree
# is indexed by our depmod; kernel state is made with our insmod under the shim.
kver 6.1.0-test
module kernel/base.ko
  export base_fn 0x1
module kernel/mid.ko
  modinfo depends=base
  modinfo alias=pci:v00001234d*
  export mid_fn 0x2
  undef base_fn
module kernel/top.ko
  modinfo depends=mid
  undef mid_fn
module kernel/pre1.ko
module kernel/post1.ko
module kernel/sdm.ko
  modinfo softdep=pre: pre1 post: post1
module kernel/wdm.ko
  modinfo weakdep=base
module kernel/bl.ko
  modinfo alias=bl-alias
module kernel/inst.ko
module kernel/opt.ko
  modinfo alias=opt-alias
module kernel/wk.ko
module kernel/leaf.ko
  modinfo depends=mid
  undef mid_fn
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
bi.alias=bi-alias\0bi.license=GPL\0
end
file etc/modprobe.d/a.conf
alias my-top top
alias my-* wk
blacklist bl
options opt a=1
options opt-alias via=alias
install inst /bin/true $CMDLINE_OPTS
softdep top pre: pre1 post: post1
weakdep wk base mid
remove inst echo gone
end
file etc/modprobe.d/same.conf
options opt from=etc
end
file lib/modprobe.d/same.conf
options opt from=lib
end
file lib/modprobe.d/only-lib.conf
options opt \
  from=only-lib
end
file proc/cmdline
quiet opt.k=2 modprobe.blacklist=pre1
end
file proc/modules
end
mkdir sys/module
file load
# load MODULE...: fresh kernel state with these modules loaded (our insmod)
rm -rf sys/module/* .shim/errors
: > proc/modules
for m; do
	LD_PRELOAD=$BUILD/testsuite/shim/modkit-shim.so MODKIT_ROOT=$ROOT "$BUILD/src/insmod" lib/modules/$KVER/kernel/$m.ko || exit 1
done
end
---
% "$BUILD/src/depmod" -b . @KVER@ 2>/dev/null

### a name in modules.dep.bin; a configuration file shadowed by its namesake in /etc
% sh load
$ modprobe --explain base
> config: /lib/modprobe.d/same.conf is shadowed by /etc/modprobe.d/same.conf
> load base
>   lookup: base found in modules.dep.bin
>     key base
>   module base
>     path: /lib/modules/@KVER@/kernel/base.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (the operand)
c-

### -C replaces the directories: nothing is shadowed
$ modprobe -C /etc/modprobe.d --explain base
> load base
>   lookup: base found in modules.dep.bin
>     key base
>   module base
>     path: /lib/modules/@KVER@/kernel/base.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (the operand)

### configuration aliases (every matching pattern); softdep from a file; dependency order
$ modprobe -C /etc/modprobe.d/a.conf --explain my-top x=1
> load my-top
>   lookup: my_top found in configuration aliases
>     alias my_top top (/etc/modprobe.d/a.conf:1)
>     alias my_* wk (/etc/modprobe.d/a.conf:2)
>   module top
>     path: /lib/modules/@KVER@/kernel/top.ko
>     state: not loaded
>     options x=1 (command line)
>     softdep top pre: pre1 post: post1 (/etc/modprobe.d/a.conf:7): pre modules are loaded before it, post modules after
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (dependency)
>       2. insmod /lib/modules/@KVER@/kernel/mid.ko (dependency)
>       3. insmod /lib/modules/@KVER@/kernel/pre1.ko (soft dependency)
>       4. insmod /lib/modules/@KVER@/kernel/top.ko x=1 (the operand)
>       5. insmod /lib/modules/@KVER@/kernel/post1.ko (soft dependency)
>   module wk
>     path: /lib/modules/@KVER@/kernel/wk.ko
>     state: not loaded
>     options x=1 (command line)
>     weakdep wk base mid (/etc/modprobe.d/a.conf:8): reported for initramfs tools, never loaded by modprobe
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/wk.ko x=1 (the operand)
c-

### modules.alias.bin: the stored wildcard that matched
$ modprobe -C /etc/modprobe.d/a.conf --explain pci:v00001234d00005678
> load pci:v00001234d00005678
>   lookup: pci:v00001234d00005678 found in modules.alias.bin
>     pattern pci:v00001234d* -> mid
>   module mid
>     path: /lib/modules/@KVER@/kernel/mid.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (dependency)
>       2. insmod /lib/modules/@KVER@/kernel/mid.ko (the operand)

### modules.symbols.bin
$ modprobe -C /etc/modprobe.d/a.conf --explain symbol:mid_fn
> load symbol:mid_fn
>   lookup: symbol:mid_fn found in modules.symbols.bin
>     pattern symbol:mid_fn -> mid
>   module mid
>     path: /lib/modules/@KVER@/kernel/mid.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (dependency)
>       2. insmod /lib/modules/@KVER@/kernel/mid.ko (the operand)

### builtin by name (modules.builtin.bin)
$ modprobe -C /etc/modprobe.d/a.conf --explain bi
> load bi
>   lookup: bi found in modules.builtin.bin
>     key bi
>   module bi
>     path: (none)
>     state: builtin
>     result: built in, nothing to do

### builtin by alias (modules.builtin.alias.bin)
$ modprobe -C /etc/modprobe.d/a.conf --explain bi-alias
> load bi-alias
>   lookup: bi_alias found in modules.builtin.alias.bin
>     pattern bi_alias -> bi
>   module bi
>     path: (none)
>     state: builtin
>     result: built in, nothing to do

### blacklist applied: the module was found through an alias
$ modprobe -C /etc/modprobe.d/a.conf --explain bl-alias
> load bl-alias
>   lookup: bl_alias found in modules.alias.bin
>     pattern bl_alias -> bl
>   module bl
>     path: /lib/modules/@KVER@/kernel/bl.ko
>     state: not loaded
>     blacklist bl: applies (/etc/modprobe.d/a.conf:3): the module was found through an alias
>     result: stopped by the blacklist, nothing is loaded

### blacklist not applied: the module was named
$ modprobe -C /etc/modprobe.d/a.conf --explain bl
> load bl
>   lookup: bl found in modules.dep.bin
>     key bl
>   module bl
>     path: /lib/modules/@KVER@/kernel/bl.ko
>     state: not loaded
>     blacklist bl: does not apply (/etc/modprobe.d/a.conf:3): the module was named directly and a blacklist only stops alias lookups (-b applies it to names too)
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/bl.ko (the operand)

### blacklist applied to a name with -b
$ modprobe -C /etc/modprobe.d/a.conf -b --explain bl
> load bl
>   lookup: bl found in modules.dep.bin
>     key bl
>   module bl
>     path: /lib/modules/@KVER@/kernel/bl.ko
>     state: not loaded
>     blacklist bl: applies (/etc/modprobe.d/a.conf:3): -b applies the blacklist to module names too
>     result: stopped by the blacklist, nothing is loaded

### blacklist from the kernel command line
$ modprobe -C /etc/modprobe.d/a.conf -b --explain pre1
> load pre1
>   lookup: pre1 found in modules.dep.bin
>     key pre1
>   module pre1
>     path: /lib/modules/@KVER@/kernel/pre1.ko
>     state: not loaded
>     blacklist pre1: applies (kernel command line): -b applies the blacklist to module names too
>     result: stopped by the blacklist, nothing is loaded

### options from files (sorted by name, continued line), an alias, the kernel command line, the command line
$ modprobe --explain opt-alias p=1
> config: /lib/modprobe.d/same.conf is shadowed by /etc/modprobe.d/same.conf
> load opt-alias
>   lookup: opt_alias found in modules.alias.bin
>     pattern opt_alias -> opt
>   module opt
>     path: /lib/modules/@KVER@/kernel/opt.ko
>     state: not loaded
>     options a=1 (/etc/modprobe.d/a.conf:4)
>     options via=alias (/etc/modprobe.d/a.conf:5) for alias opt_alias
>     options   from=only-lib (/lib/modprobe.d/only-lib.conf:1)
>     options from=etc (/etc/modprobe.d/same.conf:1)
>     options k=2 (kernel command line)
>     options p=1 (command line)
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/opt.ko a=1 via=alias   from=only-lib from=etc k=2 p=1 (the operand)

### install command runs instead, with $CMDLINE_OPTS replaced
$ modprobe -C /etc/modprobe.d/a.conf --explain inst y=2
> load inst
>   lookup: inst found in modules.dep.bin
>     key inst
>   module inst
>     path: /lib/modules/@KVER@/kernel/inst.ko
>     state: not loaded
>     options y=2 (command line)
>     install /bin/true $CMDLINE_OPTS (/etc/modprobe.d/a.conf:6): runs instead of inserting the module
>     order:
>       1. install /bin/true y=2 (the operand)
c-

### install command ignored with -i
$ modprobe -C /etc/modprobe.d/a.conf -i --explain inst
> load inst
>   lookup: inst found in modules.dep.bin
>     key inst
>   module inst
>     path: /lib/modules/@KVER@/kernel/inst.ko
>     state: not loaded
>     install /bin/true $CMDLINE_OPTS (/etc/modprobe.d/a.conf:6): not run: --ignore-install
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/inst.ko (the operand)

### softdep from the module's modinfo (modules.softdep)
$ modprobe -C /etc/modprobe.d/a.conf --explain sdm
> load sdm
>   lookup: sdm found in modules.dep.bin
>     key sdm
>   module sdm
>     path: /lib/modules/@KVER@/kernel/sdm.ko
>     state: not loaded
>     softdep sdm pre: pre1 post: post1 (/lib/modules/@KVER@/modules.softdep:2, from the module's modinfo): pre modules are loaded before it, post modules after
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/pre1.ko (soft dependency)
>       2. insmod /lib/modules/@KVER@/kernel/sdm.ko (the operand)
>       3. insmod /lib/modules/@KVER@/kernel/post1.ko (soft dependency)

### weakdep from the module's modinfo (modules.weakdep)
$ modprobe -C /etc/modprobe.d/a.conf --explain wdm
> load wdm
>   lookup: wdm found in modules.dep.bin
>     key wdm
>   module wdm
>     path: /lib/modules/@KVER@/kernel/wdm.ko
>     state: not loaded
>     weakdep wdm base (/lib/modules/@KVER@/modules.weakdep:2, from the module's modinfo): reported for initramfs tools, never loaded by modprobe
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/wdm.ko (the operand)

### a name found nowhere: exit 1
$ modprobe -C /etc/modprobe.d/a.conf --explain nosuch
> load nosuch
>   lookup: nosuch found nowhere (configuration aliases, modules.dep.bin, modules.symbols.bin, install and remove commands, modules.alias.bin, modules.builtin.bin, modules.builtin.alias.bin)
? 1

### already loaded: nothing to do
% sh load base mid top
$ modprobe -C /etc/modprobe.d/a.conf --explain top
> load top
>   lookup: top found in modules.dep.bin
>     key top
>   module top
>     path: /lib/modules/@KVER@/kernel/top.ko
>     state: live
>     softdep top pre: pre1 post: post1 (/etc/modprobe.d/a.conf:7): pre modules are loaded before it, post modules after
>     result: already loaded, nothing to do
c-

### --first-time on a loaded module
$ modprobe -C /etc/modprobe.d/a.conf --first-time --explain mid
> load mid
>   lookup: mid found in modules.dep.bin
>     key mid
>   module mid
>     path: /lib/modules/@KVER@/kernel/mid.ko
>     state: live
>     result: already loaded, --first-time makes modprobe fail

### -a: each operand in turn; loaded dependencies are skipped in the order
$ modprobe -C /etc/modprobe.d/a.conf --explain -a leaf post1
> load leaf
>   lookup: leaf found in modules.dep.bin
>     key leaf
>   module leaf
>     path: /lib/modules/@KVER@/kernel/leaf.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (dependency; already loaded, skipped)
>       2. insmod /lib/modules/@KVER@/kernel/mid.ko (dependency; already loaded, skipped)
>       3. insmod /lib/modules/@KVER@/kernel/leaf.ko (the operand)
> load post1
>   lookup: post1 found in modules.dep.bin
>     key post1
>   module post1
>     path: /lib/modules/@KVER@/kernel/post1.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/post1.ko (the operand)

### -D ignores the loaded state
$ modprobe -C /etc/modprobe.d/a.conf -D --explain leaf
> load leaf
>   lookup: leaf found in modules.dep.bin
>     key leaf
>   module leaf
>     path: /lib/modules/@KVER@/kernel/leaf.ko
>     state: not loaded
>     order:
>       1. insmod /lib/modules/@KVER@/kernel/base.ko (dependency)
>       2. insmod /lib/modules/@KVER@/kernel/mid.ko (dependency)
>       3. insmod /lib/modules/@KVER@/kernel/leaf.ko (the operand)

### -r: the operand, then dependencies nothing else holds
$ modprobe -C /etc/modprobe.d/a.conf -r --explain top
> remove top
>   lookup: top found in modules.dep.bin
>     key top
>   module top
>     path: /lib/modules/@KVER@/kernel/top.ko
>     state: live
>     softdep top pre: pre1 post: post1 (/etc/modprobe.d/a.conf:7): post modules are removed before it, pre modules after
>     order:
>       1. rmmod top (the operand)
>       2. keep base (dependency; still used by another module)
>       3. rmmod mid (dependency; unused once the operand is gone)
c-

### -r on a module in use fails; --remove-holders takes the holder out first
$ modprobe -C /etc/modprobe.d/a.conf -r --explain mid
> remove mid
>   lookup: mid found in modules.dep.bin
>     key mid
>   module mid
>     path: /lib/modules/@KVER@/kernel/mid.ko
>     state: live
>     order:
>       1. fail mid (the operand; in use by another module)

### -r --remove-holders
$ modprobe -C /etc/modprobe.d/a.conf -r --remove-holders --explain mid
> remove mid
>   lookup: mid found in modules.dep.bin
>     key mid
>   module mid
>     path: /lib/modules/@KVER@/kernel/mid.ko
>     state: live
>     order:
>       1. rmmod top (holder)
>       2. rmmod mid (the operand)
>       3. rmmod base (dependency; unused once the operand is gone)
c-

### -r with a remove command
$ modprobe -C /etc/modprobe.d/a.conf -r --explain inst
> remove inst
>   lookup: inst found in modules.dep.bin
>     key inst
>   module inst
>     path: /lib/modules/@KVER@/kernel/inst.ko
>     state: not loaded
>     remove echo gone (/etc/modprobe.d/a.conf:9): runs instead of removing the module
>     order:
>       1. remove echo gone (the operand)

### -r of a builtin module
$ modprobe -C /etc/modprobe.d/a.conf -r --explain bi
> remove bi
>   lookup: bi found in modules.builtin.bin
>     key bi
>   module bi
>     path: (none)
>     state: builtin
>     order:
>       1. fail bi (the operand; built in, cannot be removed)

### -r: a blacklist does not stop removal
$ modprobe -C /etc/modprobe.d/a.conf -r --explain bl
> remove bl
>   lookup: bl found in modules.dep.bin
>     key bl
>   module bl
>     path: /lib/modules/@KVER@/kernel/bl.ko
>     state: not loaded
>     blacklist bl: does not apply (/etc/modprobe.d/a.conf:3): a blacklist does not stop removal
>     order:
>       1. nothing bl (the operand; not loaded, nothing to remove)
