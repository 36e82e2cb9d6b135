# lsmod --sort, --columns and --json (lsmod(8)); kmod list is the same command.
# Expected texts follow the layout lsmod(8) documents: extra columns between Size and
# "Used by", each as wide as its widest cell, two spaces after each.
kver 6.1.0-test
file proc/modules
xt_LOG 20480 0 - Live 0xffffffffc0a52000
x_tables 53248 2 xt_LOG, Live 0xffffffffc0a30000
nf_a 4096 1 - Live 0xffffffffc0a00000
end
file sys/module/xt_LOG/coresize
20480
end
file sys/module/xt_LOG/refcnt
0
end
mkdir sys/module/xt_LOG/holders
file sys/module/xt_LOG/initstate
live
end
file sys/module/xt_LOG/taint
OE
end
file sys/module/xt_LOG/parameters/prefix
a b
end
file sys/module/xt_LOG/parameters/limit
5
end
file sys/module/x_tables/coresize
53248
end
file sys/module/x_tables/refcnt
2
end
symlink ../../xt_LOG sys/module/x_tables/holders/xt_LOG
file sys/module/x_tables/initstate
going
end
file sys/module/x_tables/taint

end
file sys/module/nf_a/coresize
4096
end
file sys/module/nf_a/refcnt
1
end
mkdir sys/module/nf_a/holders
---
### --sort=name
$ lsmod --sort=name
> Module                  Size  Used by
> nf_a                    4096  1
> x_tables               53248  2 xt_LOG
> xt_LOG                 20480  0

### --sort=size, smallest first
$ lsmod --sort=size
> Module                  Size  Used by
> nf_a                    4096  1
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG

### --sort=refcount, fewest first
$ kmod list --sort=refcount
> Module                  Size  Used by
> xt_LOG                 20480  0
> nf_a                    4096  1
> x_tables               53248  2 xt_LOG

### equal keys keep the order of /proc/modules
% printf '1\n' > sys/module/xt_LOG/refcnt
$ lsmod --sort=refcount
> Module                  Size  Used by
> xt_LOG                 20480  1
> nf_a                    4096  1
> x_tables               53248  2 xt_LOG

### the last --sort wins
% printf '0\n' > sys/module/xt_LOG/refcnt
$ lsmod --sort=size --sort=name
> Module                  Size  Used by
> nf_a                    4096  1
> x_tables               53248  2 xt_LOG
> xt_LOG                 20480  0

### unknown sort key
$ lsmod --sort=age
! lsmod: ERROR: unknown sort key 'age': use name, size or refcount.
? 1

### all extra columns; a directory without initstate reads as coming, an empty taint as -
$ lsmod --columns=state,taint,parameters
> Module                  Size  State   Taint  Parameters          Used by
> xt_LOG                 20480  live    OE     limit=5,prefix=a b  0
> x_tables               53248  going   -      -                   2 xt_LOG
> nf_a                    4096  coming  -      -                   1

### columns in the order given, repeats ignored
$ lsmod --columns=taint,state,taint --sort=name
> Module                  Size  Taint  State   Used by
> nf_a                    4096  -      coming  1
> x_tables               53248  -      going   2 xt_LOG
> xt_LOG                 20480  OE     live    0

### an empty list adds nothing
$ lsmod --columns=
> Module                  Size  Used by
> xt_LOG                 20480  0
> x_tables               53248  2 xt_LOG
> nf_a                    4096  1

### unknown column
$ lsmod --columns=state,owner
! lsmod: ERROR: unknown column 'owner': use state, taint or parameters.
? 1

### --json: every column, missing files as null
$ lsmod --json
> {"schema":1,"tool":"lsmod","modules":[{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"a b"}},{"name":"x_tables","size":53248,"refcount":2,"holders":["xt_LOG"],"state":"going","taint":"","parameters":{}},{"name":"nf_a","size":4096,"refcount":1,"holders":[],"state":"coming","taint":null,"parameters":{}}]}

### kmod list --json, sorted; --columns changes nothing in the document
$ kmod list --json --sort=size --columns=state
> {"schema":1,"tool":"lsmod","modules":[{"name":"nf_a","size":4096,"refcount":1,"holders":[],"state":"coming","taint":null,"parameters":{}},{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"a b"}},{"name":"x_tables","size":53248,"refcount":2,"holders":["xt_LOG"],"state":"going","taint":"","parameters":{}}]}

### --json: an unreadable refcnt is null, with kmod's message
% printf 'x\n' > sys/module/nf_a/refcnt
$ lsmod --json
> {"schema":1,"tool":"lsmod","modules":[{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"a b"}},{"name":"x_tables","size":53248,"refcount":2,"holders":["xt_LOG"],"state":"going","taint":"","parameters":{}},{"name":"nf_a","size":4096,"refcount":null,"holders":[],"state":"coming","taint":null,"parameters":{}}]}
!L lsmod: ERROR: could not read integer from '/sys/module/nf_a/refcnt': 'Invalid argument'

### --json: a missing holders directory is null, with kmod's message
% printf '1\n' > sys/module/nf_a/refcnt; rmdir sys/module/nf_a/holders
$ lsmod --json --sort=name
> {"schema":1,"tool":"lsmod","modules":[{"name":"nf_a","size":4096,"refcount":1,"holders":null,"state":"coming","taint":null,"parameters":{}},{"name":"x_tables","size":53248,"refcount":2,"holders":["xt_LOG"],"state":"going","taint":"","parameters":{}},{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"a b"}}]}
! lsmod: ERROR: could not open '/sys/module/nf_a/holders': No such file or directory

### --json: a parameter value that is not UTF-8 is given as Latin-1 and flagged
% mkdir sys/module/nf_a/holders; printf 'caf\351\n' > sys/module/xt_LOG/parameters/prefix
$ lsmod --json --sort=name
> {"schema":1,"tool":"lsmod","modules":[{"name":"nf_a","size":4096,"refcount":1,"holders":[],"state":"coming","taint":null,"parameters":{}},{"name":"x_tables","size":53248,"refcount":2,"holders":["xt_LOG"],"state":"going","taint":"","parameters":{}},{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"caf\u00e9","prefix_invalid_utf8":true}}]}

### --json: a parameter that cannot be read is null; the text column leaves it out
% printf 'a b\n' > sys/module/xt_LOG/parameters/prefix; mkdir sys/module/xt_LOG/parameters/table
$ lsmod --json --sort=name --columns=parameters
> {"schema":1,"tool":"lsmod","modules":[{"name":"nf_a","size":4096,"refcount":1,"holders":[],"state":"coming","taint":null,"parameters":{}},{"name":"x_tables","size":53248,"refcount":2,"holders":["xt_LOG"],"state":"going","taint":"","parameters":{}},{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"a b","table":null}}]}

### ... and the text column
$ lsmod --columns=parameters
> Module                  Size  Parameters          Used by
> xt_LOG                 20480  limit=5,prefix=a b  0
> x_tables               53248  -                   2 xt_LOG
> nf_a                    4096  -                   1

### --json: a module gone from /sys is left out, as in the table
% rm -rf sys/module/x_tables; rmdir sys/module/xt_LOG/parameters/table
$ lsmod --json
> {"schema":1,"tool":"lsmod","modules":[{"name":"xt_LOG","size":20480,"refcount":0,"holders":[],"state":"live","taint":"OE","parameters":{"limit":"5","prefix":"a b"}},{"name":"nf_a","size":4096,"refcount":1,"holders":[],"state":"coming","taint":null,"parameters":{}}]}

### --json without /proc/modules: kmod's messages, no document
% rm proc/modules
$ lsmod --json
!L lsmod: ERROR: could not open /proc/modules: No such file or directory
! lsmod: ERROR: could not get list of modules: No such file or directory
? 1

### help lists the new options
$ lsmod --help
>? --sort=KEY
>? --columns=LIST
>? --json
