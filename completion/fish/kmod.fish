# fish completion for modkit's kmod and its tool names

function __modkit_available_modules
    set -l dep /lib/modules/(uname -r)/modules.dep
    test -r $dep; or return
    string replace -r ':.*' '' <$dep | string replace -r '.*/' '' | string replace -r '\.ko.*' ''
end

function __modkit_loaded_modules
    test -r /proc/modules; and string replace -r ' .*' '' </proc/modules
end

complete -c kmod -f -n __fish_use_subcommand -a 'help list static-nodes'
complete -c kmod -f -n '__fish_seen_subcommand_from static-nodes' -s f -l format -r -a 'human tmpfiles devname'
complete -c kmod -n '__fish_seen_subcommand_from static-nodes' -s o -l output -r -F

complete -c modprobe -f -a '(__modkit_available_modules)'
complete -c modprobe -s a -l all -d 'load every operand'
complete -c modprobe -s r -l remove -d 'remove modules' -a '(__modkit_loaded_modules)'
complete -c modprobe -l remove-holders -d 'remove the users first'
complete -c modprobe -s w -l wait -r -d 'retry a busy removal for MSEC ms'
complete -c modprobe -l first-time -d 'fail when nothing needs doing'
complete -c modprobe -s i -l ignore-install -l ignore-remove -d 'ignore commands and softdeps'
complete -c modprobe -s b -l use-blacklist -d 'apply the blacklist to names too'
complete -c modprobe -s f -l force -d 'ignore versions'
complete -c modprobe -l force-modversion -l force-vermagic
complete -c modprobe -s R -l resolve-alias -d 'print resolved module names'
complete -c modprobe -s D -l show-depends -d 'print the load plan'
complete -c modprobe -s c -l showconfig -l show-config -d 'print the configuration'
complete -c modprobe -l show-modversions -l dump-modversions -l show-exports -r -F
complete -c modprobe -s n -l dry-run -l show -d 'do not load or remove'
complete -c modprobe -s C -l config -r -F -d 'configuration file or directory'
complete -c modprobe -s d -l dirname -r -a '(__fish_complete_directories)'
complete -c modprobe -s S -l set-version -r -a '(ls /lib/modules)'
complete -c modprobe -s s -l syslog
complete -c modprobe -s q -l quiet
complete -c modprobe -s v -l verbose

complete -c rmmod -f -a '(__modkit_loaded_modules)'
complete -c rmmod -s f -l force
complete -c rmmod -s s -l syslog
complete -c rmmod -s v -l verbose

complete -c insmod -s f -l force
complete -c insmod -s s -l syslog
complete -c insmod -s v -l verbose

complete -c lsmod -s s -l syslog
complete -c lsmod -s v -l verbose

complete -c modinfo -f -a '(__modkit_available_modules)'
complete -c modinfo -s F -l field -r -a 'alias author depends description filename license name parm parmtype signer sig_id sig_key sig_hashalgo signature softdep vermagic version'
complete -c modinfo -s a -l author
complete -c modinfo -s d -l description
complete -c modinfo -s l -l license
complete -c modinfo -s p -l parameters
complete -c modinfo -s n -l filename
complete -c modinfo -s 0 -l null
complete -c modinfo -s m -l modname
complete -c modinfo -s k -l set-version -r -a '(ls /lib/modules)'
complete -c modinfo -s b -l basedir -r -a '(__fish_complete_directories)'

complete -c depmod -s a -l all
complete -c depmod -s A -l quick
complete -c depmod -s b -l basedir -r -a '(__fish_complete_directories)'
complete -c depmod -s m -l moduledir -r
complete -c depmod -s o -l outdir -r -a '(__fish_complete_directories)'
complete -c depmod -s C -l config -r -F
complete -c depmod -s e -l errsyms
complete -c depmod -s E -l symvers -r -F
complete -c depmod -s F -l filesyms -r -F
complete -c depmod -s n -l show -l dry-run
complete -c depmod -s P -l symbol-prefix -r
complete -c depmod -s v -l verbose
complete -c depmod -s w -l warn
