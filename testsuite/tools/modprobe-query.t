# modprobe query modes: -c (tools.md 6.6), --show-modversions/--dump-modversions,
# --show-exports, malformed modprobe.d (3.2), kernel command line (formats.md 7.5).
kver 6.1.0-test
module kernel/x_tables.ko
  export xt_register 0x11
  export xt_unregister 0x22
  version 0x1234abcd module_layout
  version 0xdeadbeef printk
module kernel/xt_LOG.ko
  modinfo alias=ipt_LOG
  modinfo alias=ip6t_LOG
  undef xt_register
module kernel/noexp.ko
modules-order
file etc/modprobe.d/a.conf
blacklist bl-x
install inst /bin/true $CMDLINE_OPTS
remove rmc /bin/false
alias my-alias xt-LOG
options xt_LOG  dbl=2
options x_tables	t=9	u=1
softdep cifs gcm
softdep xt_LOG pre: a b post: c
end
file etc/modprobe.d/b.conf
blacklist second
options xt_LOG \
  cont=1
end
file etc/modprobe.d/w/w.conf
weakdep xt_LOG x_tables c
end
file etc/modprobe.d/bad/bad.conf
bogus line
  # indented comment
options
softdep
alias one
include foo
config bar
end
file proc/cmdline
x_tables.fromcmd=1 modprobe.blacklist=a-b,c root=/dev/sda a.b.c=1 k.noval q.s="a b"
end
file proc/modules
end
file not-a-module.ko
hello
end
---
% "$BUILD/src/depmod" -b . @KVER@ 2>/dev/null

### -c: every section in its order, then the index dumps
$ modprobe -c
> blacklist bl_x
> blacklist second
> blacklist a-b
> blacklist c
> install inst /bin/true $CMDLINE_OPTS
> remove rmc /bin/false
> alias my_alias xt_LOG
> options xt_LOG  dbl=2
> options x_tables t=9 u=1
> options xt_LOG   cont=1
> options x_tables fromcmd=1
> options k noval
> options q s="a b"
> softdep cifs 
> softdep xt_LOG pre: a bpost: c
>
> # End of configuration files. Dumping indexes now:
>
> alias ip6t_LOG xt_LOG
> alias ipt_LOG xt_LOG
> alias symbol:xt_register x_tables
> alias symbol:xt_unregister x_tables
@ differential

### --showconfig and --show-config are -c
$ modprobe --showconfig -C /etc/modprobe.d/b.conf
> blacklist second
> blacklist a-b
> blacklist c
> options xt_LOG   cont=1
> options x_tables fromcmd=1
> options k noval
> options q s="a b"
>
> # End of configuration files. Dumping indexes now:
>
> alias ip6t_LOG xt_LOG
> alias ipt_LOG xt_LOG
> alias symbol:xt_register x_tables
> alias symbol:xt_unregister x_tables
@ differential

### --show-config with weakdeps
$ modprobe --show-config -C /etc/modprobe.d/w
> blacklist a-b
> blacklist c
> options x_tables fromcmd=1
> options k noval
> options q s="a b"
> weakdep xt_LOG x_tables c
>
> # End of configuration files. Dumping indexes now:
>
> alias ip6t_LOG xt_LOG
> alias ipt_LOG xt_LOG
> alias symbol:xt_register x_tables
> alias symbol:xt_unregister x_tables

### -c: missing indexes are skipped silently
$ modprobe -c -C /etc/modprobe.d/w -S 9.9
> blacklist a-b
> blacklist c
> options x_tables fromcmd=1
> options k noval
> options q s="a b"
> weakdep xt_LOG x_tables c
>
> # End of configuration files. Dumping indexes now:
>

### malformed modprobe.d: the library's default logger, even with -q
$ modprobe -q -D -C /etc/modprobe.d/bad noexp
> insmod /lib/modules/@KVER@/kernel/noexp.ko 
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf line 1: ignoring bad line starting with 'bogus'
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf line 2: ignoring bad line starting with '#'
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf line 3: ignoring bad line starting with 'options'
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf line 4: ignoring bad line starting with 'softdep'
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf line 5: ignoring bad line starting with 'alias'
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf: command include is deprecated and not parsed anymore
!L libkmod: ERROR: kmod_config_parse: /etc/modprobe.d/bad/bad.conf: command config is deprecated and not parsed anymore

### --show-modversions
$ modprobe --show-modversions lib/modules/@KVER@/kernel/x_tables.ko
> 0x1234abcd	module_layout
> 0xdeadbeef	printk
@ differential

### --dump-modversions
$ modprobe --dump-modversions lib/modules/@KVER@/kernel/x_tables.ko
> 0x1234abcd	module_layout
> 0xdeadbeef	printk
@ differential

### --show-exports
$ modprobe --show-exports lib/modules/@KVER@/kernel/x_tables.ko
> 0x00000011	xt_register
> 0x00000022	xt_unregister
@ differential

### --show-modversions: not found
$ modprobe --show-modversions nosuch.ko
! modprobe: FATAL: Module nosuch.ko not found.
? 1
@ differential

### --show-modversions: a name is not a path
$ modprobe --show-modversions x_tables
! modprobe: FATAL: Module x_tables not found.
? 1
@ differential

### --show-modversions: not ELF
$ modprobe --show-modversions not-a-module.ko
! modprobe: FATAL: could not get modversions of not-a-module.ko: Exec format error
? 1
@ differential

### --show-exports: not ELF
$ modprobe --show-exports not-a-module.ko
! modprobe: FATAL: could not get symbols of not-a-module.ko: Exec format error
? 1
@ differential

### --show-exports: nothing exported
$ modprobe --show-exports lib/modules/@KVER@/kernel/noexp.ko
! modprobe: FATAL: could not get symbols of lib/modules/@KVER@/kernel/noexp.ko: No data available
? 1

### -a makes these WARNINGs
$ modprobe -a --show-exports lib/modules/@KVER@/kernel/noexp.ko
! modprobe: WARNING: could not get symbols of lib/modules/@KVER@/kernel/noexp.ko: No data available
? 1

### -c wins over the other modes
$ modprobe -c -r --show-exports -C /etc/modprobe.d/w -S 9.9 x
> blacklist a-b
> blacklist c
> options x_tables fromcmd=1
> options k noval
> options q s="a b"
> weakdep xt_LOG x_tables c
>
> # End of configuration files. Dumping indexes now:
>

### --show-modversions wins over --show-exports
$ modprobe --show-exports --show-modversions lib/modules/@KVER@/kernel/x_tables.ko
> 0x1234abcd	module_layout
> 0xdeadbeef	printk
@ differential

### kernel command line options apply when loading
$ modprobe -D xt_LOG
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 u=1 fromcmd=1 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2   cont=1 
@ differential

### modprobe -h: the help lists its usage and options (tools.md 2)
$ modprobe -h
>? [-i] [-b] modulename
>? -a [-i] [-b]
>? -r [-i] modulename
>? -r -a [-i]
>?  -c

>? --dump-modversions filename
>? -a, --all
>? -r, --remove
>? --remove-dependencies
>? --remove-holders
>? -w, --wait=
>? --first-time
>? -i, --ignore-install
>? --ignore-remove
>? -b, --use-blacklist
>? -f, --force
>? --force-modversion
>? --force-vermagic
>? -R, --resolve-alias
>? -D, --show-depends
>? -c, --showconfig
>? --show-config
>? --show-modversions
>? --dump-modversions
>? --show-exports
>? -n, --dry-run
>? --show 
>? -C, --config=
>? -d, --dirname=
>? -S, --set-version=
>? -s, --syslog
>? -q, --quiet
>? -v, --verbose
>? -V, --version
>? -h, --help

### kernel command line: an unbalanced quote swallows the following tokens
% echo 'x.y=z"w m.n=1 "sp q.r=2' > proc/cmdline
$ modprobe -c -C /nonexist
> options x y=z"w m.n=1 "sp
> options q r=2
>
> # End of configuration files. Dumping indexes now:
>
> alias ip6t_LOG xt_LOG
> alias ipt_LOG xt_LOG
> alias symbol:xt_register x_tables
> alias symbol:xt_unregister x_tables
@ differential

### kernel command line: a leading quote is re-attached to the value
% echo '"parport.dyndbg=file x.c +mpf" a"b.c=1 foo".bar=1 d-e.f-g=h' > proc/cmdline
$ modprobe -c -C /nonexist
> options parport dyndbg="file x.c +mpf"
> options d_e f-g=h
>
> # End of configuration files. Dumping indexes now:
>
> alias ip6t_LOG xt_LOG
> alias ipt_LOG xt_LOG
> alias symbol:xt_register x_tables
> alias symbol:xt_unregister x_tables
@ differential

### kernel command line options reach the plan, after the config's
% echo 'xt_LOG.fromcmd="a b"' > proc/cmdline
$ modprobe -D -C /etc/modprobe.d/a.conf xt_LOG p=1
> insmod /lib/modules/@KVER@/kernel/x_tables.ko t=9 u=1 
> insmod /lib/modules/@KVER@/kernel/xt_LOG.ko  dbl=2 fromcmd="a b" p=1
@ differential
