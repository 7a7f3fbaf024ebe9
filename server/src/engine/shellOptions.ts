// The option tables of the container tools and of the commands that wrap them: which options take a
// value, so the word after them is not mistaken for the image. A data table (one idea), from each tool's
// own `--help` and reference pages.

/** The tools that run as commands. */
export type CommandTool = 'docker' | 'podman' | 'nerdctl' | 'buildah';

// Commands that run their arguments as another command, with the options of each that take a value.
export const WRAPPERS: Record<string, { valued: Set<string>; skipAssignments?: boolean; operands?: number }> = {
  sudo: {
    valued: new Set([
      '-u',
      '--user',
      '-g',
      '--group',
      '-C',
      '--close-from',
      '-D',
      '--chdir',
      '-h',
      '--host',
      '-p',
      '--prompt',
      '-r',
      '--role',
      '-t',
      '--type',
      '-U',
      '--other-user',
      '-T',
      '--command-timeout',
    ]),
  },
  doas: { valued: new Set(['-u', '-C']) },
  env: { valued: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']), skipAssignments: true },
  exec: { valued: new Set(['-a']) },
  command: { valued: new Set() },
  nohup: { valued: new Set() },
  time: { valued: new Set(['-f', '--format', '-o', '--output']) },
  nice: { valued: new Set(['-n', '--adjustment']) },
  // `timeout DURATION command…`
  timeout: { valued: new Set(['-s', '--signal', '-k', '--kill-after']), operands: 1 },
};

function words(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}

export interface OptionTable {
  /** Long options (`--name`) and short ones (`-v`) that take a value. */
  valued: Set<string>;
}

// Global options written between the tool and its subcommand.
export const GLOBAL_OPTIONS: Record<CommandTool, OptionTable> = {
  docker: { valued: words('-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey') },
  nerdctl: {
    valued: words(`-H --host -a --address -n --namespace --snapshotter --storage-driver --cni-path --cni-netconfpath
      --data-root --cgroup-manager --host-gateway-ip --hosts-dir --bridge-ip`),
  },
  podman: {
    valued: words(`-c --connection --url --identity --root --runroot --runtime --runtime-flag --storage-driver
      --storage-opt --cgroup-manager --conmon --events-backend --hooks-dir --imagestore --log-level --module
      --network-cmd-path --network-config-dir --out --ssh --tmpdir --volumepath --cdi-spec-dir --config`),
  },
  buildah: {
    valued: words(`--root --runroot --storage-driver --storage-opt --registries-conf --short-name-alias-conf
      --userns-uid-map --userns-gid-map --log-level --cgroup-manager --default-mounts-file`),
  },
};

// `run` and `create` of docker, podman and nerdctl share nearly all options; this is their union.
export const RUN_OPTIONS: OptionTable = {
  valued: words(`-a -c -e -h -l -m -p -u -v -w
    --add-host --annotation --arch --attach --authfile --blkio-weight --blkio-weight-device --cap-add --cap-drop
    --cert-dir --cgroup-conf --cgroup-parent --cgroupns --cgroups --chrootdirs --cidfile --conmon-pidfile
    --cpu-count --cpu-percent --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-shares --cpus
    --cpuset-cpus --cpuset-mems --creds --decryption-key --detach-keys --device --device-cgroup-rule
    --device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-opt --dns-option
    --dns-search --domainname --entrypoint --env --env-file --env-merge --expose --gidmap --gpus --group-add
    --group-entry --health-cmd --health-interval --health-on-failure --health-retries --health-start-interval
    --health-start-period --health-startup-cmd --health-startup-interval --health-startup-retries
    --health-startup-success --health-startup-timeout --health-timeout --hostname --hostuser --image-volume
    --init-path --io-maxbandwidth --io-maxiops --ip --ip6 --ipc --isolation --kernel-memory --label --label-file
    --link --link-local-ip --log-driver --log-opt --mac-address --memory --memory-reservation --memory-swap
    --memory-swappiness --mount --name --net --net-alias --network --network-alias --oom-score-adj --os
    --passwd-entry --personality --pid --pidfile --pids-limit --platform --pod --pod-id-file --preserve-fd
    --preserve-fds --publish --pull --rdt-class --requires --restart --retry --retry-delay --runtime --sdnotify
    --seccomp-policy --secret --security-opt --shm-size --shm-size-systemd --stop-signal --stop-timeout
    --storage-opt --subgidname --subuidname --sysctl --systemd --timeout --tmpfs --tz --uidmap --ulimit --umask
    --unsetenv --user --userns --uts --variant --volume --volume-driver --volumes-from --workdir
    --cosign-key --cosign-certificate-identity --cosign-certificate-oidc-issuer --notation-key-name
    --notation-cert --verify --ipfs-address --cidfile --pidfile --gpus`),
};

export const PULL_OPTIONS: OptionTable = {
  valued: words(`--platform --arch --os --variant --authfile --cert-dir --creds --decryption-key --retry
    --retry-delay --policy --unpack --cosign-key --verify --ipfs-address`),
};

// `buildah from`
export const FROM_OPTIONS: OptionTable = {
  valued: words(`-v -m --name --arch --os --variant --platform --authfile --cert-dir --creds --cidfile --format
    --add-host --cap-add --cap-drop --cgroup-parent --cgroupns --cpu-period --cpu-quota --cpu-shares --cpuset-cpus
    --cpuset-mems --decryption-key --device --dns --dns-option --dns-search --http-proxy-env --ipc --isolation
    --memory --memory-swap --network --net --pid --retry --retry-delay --security-opt --shm-size --ulimit --userns
    --userns-uid-map --userns-gid-map --userns-uid-map-user --userns-gid-map-group --uts --volume --blob-cache`),
};
