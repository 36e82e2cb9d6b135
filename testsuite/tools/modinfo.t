# modinfo (tools.md 7): layout, field options, parameters, builtin modules, signatures,
# compressed files, operands and messages.
kver 6.1.0-test
module kernel/m.ko
  modinfo author=A. Author
  modinfo description=Test module
  modinfo license=GPL
  modinfo parm=p1:first param
  modinfo parmtype=p1:int
  modinfo parm=p2:second
  modinfo parmtype=p3:charp
  modinfo alias=foo-bar
  modinfo a_very_long_key_x=v
  modinfo exactly15chars_=w
  modinfo fourteen_chars=x
  modinfo parm=p1:first param again
  modinfo depends=
  modinfo author=Second Author
module kernel/bad.ko
  modinfo parm=nocolon
  modinfo parmtype=p:int
  modinfo license=GPL
module kernel/signed.ko
  modinfo license=GPL
  sign
module kernel/multi1.ko
  modinfo alias=multi:x
module kernel/multi2.ko
  modinfo alias=multi:*
module kernel/z1.ko.xz
  modinfo license=XZ
module kernel/z2.ko.zst
  modinfo license=ZSTD
module kernel/z3.ko.gz
  modinfo license=GZ
module kernel/dash-name.ko
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
bi.license=GPL\0bi.description=Builtin thing\0bi.parm=bp:builtin param\0bi.parmtype=bp:int\0bi.alias=bi-alias\0
end
file alt/lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
file garbage.ko
This is not an ELF file, only text that is long enough to hold an ELF header.
end
file tiny.ko
ELF
end
file etc/modprobe.d/a.conf
alias conf-alias m
end
---
# a build without a decompressor cannot index (nor read) those modules: left out
% for m in xz:z1.ko.xz zstd:z2.ko.zst zlib:z3.ko.gz; do case " $MODKIT_FEATURES " in *" ${m%%:*} "*) ;; *) rm lib/modules/@KVER@/kernel/${m#*:} ;; esac; done
% "$BUILD/src/depmod" -b . @KVER@ 2>/dev/null; "$BUILD/src/depmod" -b alt @KVER@ 2>/dev/null
% head -c 300 lib/modules/@KVER@/kernel/m.ko > trunc.ko

### default layout: entries in order, then parameters in reverse first appearance
# (a 17-character key gets 2 spaces: kmod 30 prints with width 15 - len, and a negative
# printf width means left-justified |width|; tools.md's "no space" holds up to 16)
$ modinfo m
> filename:       /lib/modules/@KVER@/kernel/m.ko
> author:         A. Author
> description:    Test module
> license:        GPL
> alias:          foo-bar
> a_very_long_key_x:  v
> exactly15chars_:w
> fourteen_chars: x
> depends:        
> author:         Second Author
> name:           m
> vermagic:       @KVER@ SMP preempt mod_unload modversions 
> parm:           p3:charp
> parm:           p2:second
> parm:           p1:first param again (int)
@ differential

### -a, -d, -l: one field each, values in entry order
$ modinfo -a m
> A. Author
> Second Author
@ differential

### -d
$ modinfo -d m
> Test module
@ differential

### -l
$ modinfo -l m
> GPL
@ differential

### -n
$ modinfo -n m
> /lib/modules/@KVER@/kernel/m.ko
@ differential

### -p: merged parameters, "(type)" after ": " when there is no description
$ modinfo -p m
> p3: (charp)
> p2:second
> p1:first param again (int)
@ differential

### -F parm is -p
$ modinfo -F parm m
> p3: (charp)
> p2:second
> p1:first param again (int)
@ differential

### -F parmtype: raw values
$ modinfo -F parmtype m
> p1:int
> p3:charp
@ differential

### the last field option wins
$ modinfo -a -d -F license m
> GPL
@ differential

### the last field option wins (short after -F)
$ modinfo --field=author -l m
> GPL
@ differential

### unknown field: nothing
$ modinfo -F nosuch m
@ differential

### field names are case-sensitive
$ modinfo -F Author m
@ differential

### -F filename
$ modinfo -F filename m
> /lib/modules/@KVER@/kernel/m.ko
@ differential

### -F name
$ modinfo -F name m
> m
@ differential

### -0 in default mode
$ modinfo -0 m
>e filename:       /lib/modules/@KVER@/kernel/m.ko\0author=A. Author\0description=Test module\0
>e license=GPL\0alias=foo-bar\0a_very_long_key_x=v\0exactly15chars_=w\0fourteen_chars=x\0
>e depends=\0author=Second Author\0name=m\0vermagic=@KVER@ SMP preempt mod_unload modversions \0
>e parm:           p3:charp\0parm:           p2:second\0parm:           p1:first param again (int)\0
@ differential

### -0 with a field
$ modinfo --null -a m
>e A. Author\0Second Author\0
@ differential

### invalid parameter entry: message, skipped
$ modinfo bad
> filename:       /lib/modules/@KVER@/kernel/bad.ko
> license:        GPL
> name:           bad
> vermagic:       @KVER@ SMP preempt mod_unload modversions 
> parm:           p:int
! modinfo: ERROR: Found invalid "parm=nocolon": missing ':'
@ differential

### builtin module from modules.builtin.modinfo
$ modinfo bi
> name:           bi
> filename:       (builtin)
> license:        GPL
> description:    Builtin thing
> alias:          bi-alias
> parm:           bp:builtin param (int)
@ differential

### builtin: -F name prints the name once
$ modinfo -F name bi
> bi
@ differential

### builtin: -n
$ modinfo -n bi
> (builtin)
@ differential

### builtin through its alias
$ modinfo -F license bi-alias
> GPL
@ differential

### builtin without modules.builtin.modinfo: name and filename only
$ modinfo -b @ROOT@/alt bi
> name:           bi
> filename:       (builtin)
@ differential

### -m: name lookup, also builtin aliases
$ modinfo -m -F name bi-alias
> bi
@ differential

### -m: the name is cut at the first dot
$ modinfo -m -n m.ko
> /lib/modules/@KVER@/kernel/m.ko
@ differential

### -m: not found
$ modinfo --modname nosuch
! modinfo: ERROR: Module name nosuch not found.
? 1
@ differential

### alias operand with several results, in order
$ modinfo -n multi:x
> /lib/modules/@KVER@/kernel/multi1.ko
> /lib/modules/@KVER@/kernel/multi2.ko
@ differential

### modprobe.d is not read
$ modinfo conf-alias
! modinfo: ERROR: Module conf-alias not found.
? 1
@ differential

### dashes in names
$ modinfo -F name dash-name
> dash_name
@ differential

### file operand
$ modinfo -n lib/modules/@KVER@/kernel/m.ko
> @ROOT@/lib/modules/@KVER@/kernel/m.ko
@ differential

### absolute file operand
$ modinfo -F license /lib/modules/@KVER@/kernel/bad.ko
> GPL
@ differential

### xz
needs xz
$ modinfo -F license lib/modules/@KVER@/kernel/z1.ko.xz
> XZ
@ differential

### zstd
needs zstd
$ modinfo -F license z2
> ZSTD
@ differential

### gzip
needs zlib
$ modinfo /lib/modules/@KVER@/kernel/z3.ko.gz
> filename:       /lib/modules/@KVER@/kernel/z3.ko.gz
> license:        GZ
> name:           z3
> vermagic:       @KVER@ SMP preempt mod_unload modversions 

### signature fields
needs openssl
$ modinfo signed
>*
@ differential

### signature fields with -F
$ modinfo -F sig_id signed
> PKCS#7
@ differential

### signer
needs openssl
$ modinfo -F signer signed
> Throwaway test signing key
@ differential

### hash algorithm
needs openssl
$ modinfo -F sig_hashalgo signed
> sha256
@ differential

### a truncated ELF file: structural ELF errors are EINVAL, only not-ELF is ENOEXEC
$ modinfo trunc.ko
> filename:       @ROOT@/trunc.ko
! modinfo: ERROR: could not get modinfo from 'trunc': Invalid argument
? 1
@ differential

### a file that is not ELF
$ modinfo garbage.ko
> filename:       @ROOT@/garbage.ko
! modinfo: ERROR: could not get modinfo from 'garbage': Exec format error
? 1
@ differential

### a file shorter than an ELF header
$ modinfo -F license tiny.ko
!*
? 1
@ differential

### a name that is not a module and not a file
$ modinfo nosuch
! modinfo: ERROR: Module nosuch not found.
? 1
@ differential

### a lookup error
$ modinfo 'a[b'
! modinfo: ERROR: Module alias a[b not found.
? 1
@ differential

### names with a slash
$ modinfo no/such
! modinfo: ERROR: Module no/such not found.
? 1
@ differential

### a failing operand does not stop the others
$ modinfo -F license nosuch m
> GPL
! modinfo: ERROR: Module nosuch not found.
? 1
@ differential

### -k changes the version
$ modinfo -k 9.9 m
! modinfo: ERROR: Module m not found.
? 1
@ differential

### -b changes the root
$ modinfo --basedir=@ROOT@/alt -F license m
! modinfo: ERROR: Module m not found.
? 1
@ differential

### no operand
$ modinfo
! modinfo: ERROR: missing module or filename.
? 1
@ differential

### version
$ modinfo --version
> kmod version 34.2
> @FEATURES@
> modkit version 0.1.0

### help
$ modinfo -h
>*

### modinfo -h: the help lists its usage and options (tools.md 2)
$ modinfo -h
>? [options] <modulename|filename> [args]
>? -a, --author
>? -d, --description
>? -l, --license
>? -p, --parameters
>? -n, --filename
>? -0, --null
>? -m, --modname
>? -F, --field=FIELD
>? -k, --set-version=VERSION
>? -b, --basedir=DIR
>? -V, --version
>? -h, --help

### wildcards are not expanded
$ modinfo -F name 'x_tab*' '*' 'm*'
! modinfo: ERROR: Module x_tab* not found.
! modinfo: ERROR: Module * not found.
! modinfo: ERROR: Module m* not found.
? 1
@ differential
