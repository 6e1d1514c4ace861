"""A real single-node SLURM cluster on 127.0.0.1, started and stopped by a test.

    with SlurmCluster() as cluster:         # munged + slurmctld + slurmd in a temporary directory
        subprocess.run(["sbatch", ...], env={**os.environ, **cluster.env})
        cluster.submitted_job_ids()         # from slurmctld's log
        cluster.completed_jobs()            # from the job completion log (jobcomp/filetxt)

Everything lives in its own directory: a private munge key and socket, slurm.conf (free ports,
no accounting database, linuxproc process tracking, no cgroups), state, spool, pid and log files.
Clients find it through SLURM_CONF in `cluster.env`. Nothing in /etc is touched. `require_slurm()`
skips the test when the slurm/munge binaries are not installed (`make test` installs them); any
other failure to come up raises with the daemons' logs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scancel", "scontrol", "srun")
NODE = "localhost"
PARTITION = "debug"


def _find(name: str) -> str | None:
    return shutil.which(name) or next((str(p) for d in ("/usr/sbin", "/sbin", "/usr/local/sbin")
                                       if (p := Path(d, name)).is_file() and os.access(p, os.X_OK)), None)


def require_slurm() -> dict[str, str]:
    """Paths of the daemons and clients; pytest.skip when any is missing."""
    found = {name: _find(name) for name in (*DAEMONS, *CLIENTS)}
    missing = sorted(name for name, path in found.items() if path is None)
    if missing:
        pytest.skip(f"SLURM/munge not installed (missing {', '.join(missing)}); "
                    "`make test` installs slurm-wlm and munge")
    if os.geteuid() != 0:
        pytest.skip("a local SLURM cluster needs root here (slurmd launches jobs as their user)")
    return found  # type: ignore[return-value]


def _free_ports(count: int) -> list[int]:
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) // 1024
    return 2048


class SlurmClusterError(RuntimeError):
    pass


class SlurmCluster:
    def __init__(self, cpus: int | None = None, memory_mb: int | None = None, min_job_age: int = 600):
        self.bin = require_slurm()
        self.cpus = cpus or os.cpu_count() or 1
        # A bit under what is free, so that slurmd does not drain the node for "low RealMemory".
        self.memory_mb = memory_mb or max(512, int(_memory_mb() * 0.8))
        self.min_job_age = min_job_age
        self.dir: Path | None = None
        self.procs: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, object] = {}

    # --- paths ---------------------------------------------------------------------------
    def path(self, *parts: str) -> Path:
        assert self.dir is not None
        return self.dir.joinpath(*parts)

    @property
    def conf(self) -> Path:
        return self.path("slurm.conf")

    @property
    def env(self) -> dict[str, str]:
        """Environment for clients (sbatch, squeue, snakemake's SLURM executor): SLURM_CONF, and
        PATH with wrappers that set it again, for clients started where SLURM_* variables were
        cleared (the job step plugin drops them before its `srun`)."""
        return {"SLURM_CONF": str(self.conf), "PATH": f"{self.path('bin')}{os.pathsep}{os.environ.get('PATH', '')}"}

    # --- lifecycle -----------------------------------------------------------------------
    def __enter__(self) -> SlurmCluster:
        # A short path: munge's unix socket path must fit in 108 bytes.
        self.dir = Path(tempfile.mkdtemp(prefix="slurm-test-"))
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self) -> None:
        for sub in ("munge", "state", "spool", "log", "run", "bin"):
            self.path(sub).mkdir(mode=0o755 if sub in ("munge", "bin") else 0o700)
        # On a real cluster slurm.conf sits where every client finds it; this one is private.
        for name in CLIENTS:
            wrapper = self.path("bin", name)
            wrapper.write_text(f'#!/bin/sh\nSLURM_CONF={shlex.quote(str(self.conf))} '
                               f'exec {shlex.quote(self.bin[name])} "$@"\n')
            wrapper.chmod(0o755)
        key = self.path("munge", "munge.key")
        key.write_bytes(os.urandom(1024))
        key.chmod(0o600)
        self._spawn("munged", [self.bin["munged"], "--foreground", "--force",
                               f"--socket={self.path('munge', 'socket')}",
                               f"--key-file={key}",
                               f"--pid-file={self.path('run', 'munged.pid')}",
                               f"--seed-file={self.path('munge', 'seed')}",
                               f"--log-file={self.path('log', 'munged.log')}"])
        self._wait(lambda: self.path("munge", "socket").exists(), 15, "munged did not create its socket")

        ctld_port, slurmd_port = _free_ports(2)
        self.conf.write_text(self._slurm_conf(ctld_port, slurmd_port))
        env = {**os.environ, **self.env}
        self._spawn("slurmctld", [self.bin["slurmctld"], "-D", "-i", "-f", str(self.conf)], env)
        self._wait(self._controller_up, 30, "slurmctld did not answer `scontrol ping`")
        self._spawn("slurmd", [self.bin["slurmd"], "-D", "-N", NODE, "-f", str(self.conf)], env)
        self._wait(self._node_idle, 60, f"node {NODE} did not become idle in `sinfo`")

    def _slurm_conf(self, ctld_port: int, slurmd_port: int) -> str:
        p = self.path
        return f"""\
ClusterName=showrunner-test
SlurmctldHost={NODE}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={p('munge', 'socket')}
StateSaveLocation={p('state')}
SlurmdSpoolDir={p('spool')}
SlurmctldPidFile={p('run', 'slurmctld.pid')}
SlurmdPidFile={p('run', 'slurmd.pid')}
SlurmctldLogFile={p('log', 'slurmctld.log')}
SlurmdLogFile={p('log', 'slurmd.log')}
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={p('log', 'jobcomp.txt')}
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=100000,batch_sched_delay=0,default_queue_depth=100
MinJobAge={self.min_job_age}
ReturnToService=2
MpiDefault=none
InactiveLimit=0
KillWait=5
Waittime=0
NodeName={NODE} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes={NODE} Default=YES MaxTime=INFINITE State=UP
"""

    def _spawn(self, name: str, cmd: list[str], env: dict | None = None) -> None:
        out = open(self.path("log", f"{name}.out"), "wb")  # noqa: SIM115 - closed in stop()
        self._logs[name] = out
        self.procs[name] = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                            start_new_session=True)

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise SlurmClusterError(f"{name} exited with {proc.returncode} while starting\n"
                                            + self.logs())
            if ready():
                return
            time.sleep(0.2)
        raise SlurmClusterError(f"{what} within {timeout:.0f} s\n" + self.logs())

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        """A SLURM client command against this cluster."""
        result = subprocess.run([self.bin.get(cmd[0], cmd[0]), *cmd[1:]], capture_output=True, text=True,
                                env={**os.environ, **self.env}, timeout=30)
        if check and result.returncode != 0:
            raise SlurmClusterError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr}\n"
                                    + self.logs())
        return result

    def _controller_up(self) -> bool:
        result = self.run("scontrol", "ping", check=False)
        return result.returncode == 0 and "UP" in result.stdout

    def _node_idle(self) -> bool:
        result = self.run("sinfo", "--noheader", "--format=%t", check=False)
        return result.returncode == 0 and result.stdout.split() == ["idle"]

    def stop(self) -> None:
        """Cancel what is left, stop the daemons (slurmd, slurmctld, munged) and remove the directory."""
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            self.run("scancel", "--full", "--user", "root", check=False)
        for name in reversed(DAEMONS):
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for out in self._logs.values():
            out.close()  # type: ignore[attr-defined]
        self.procs.clear()
        self._logs.clear()
        if self.dir is not None and not os.environ.get("SLURM_TEST_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- evidence --------------------------------------------------------------------------
    def logs(self, tail: int = 60) -> str:
        """The last lines of every daemon log, for error messages."""
        if self.dir is None:
            return ""
        parts = []
        for log in sorted(self.path("log").glob("*")):
            lines = log.read_text(errors="replace").splitlines()[-tail:]
            parts.append(f"--- {log.name} ---\n" + "\n".join(lines))
        return "\n".join(parts)

    def submitted_job_ids(self) -> list[int]:
        """Batch jobs slurmctld accepted, from its log."""
        text = self.path("log", "slurmctld.log").read_text(errors="replace")
        return [int(m) for m in re.findall(r"_slurm_rpc_submit_batch_job: JobId=(\d+)", text)]

    def completed_jobs(self) -> dict[int, dict[str, str]]:
        """Finished jobs from the job completion log: job id -> its fields (JobState, Name, ...)."""
        path = self.path("log", "jobcomp.txt")
        jobs: dict[int, dict[str, str]] = {}
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                fields = dict(re.findall(r"(\w+)=(\S*)", line))
                if "JobId" in fields:
                    jobs[int(fields["JobId"])] = fields
        return jobs
