"""Shared fixtures: the trained model, and the whole stack running on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import devserver

os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy in {timeout} s")


@dataclass
class Stack:
    rasa_url: str
    webapp_url: str
    portal_url: str
    actions_url: str
    tracker_db: Path = Path()
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


@pytest.fixture(scope="session")
def model_path() -> Path:
    assert MODEL.exists(), "run `make train` first (make test does)"
    return MODEL


@pytest.fixture(scope="session")
def nlu_agent(model_path: Path):  # type: ignore[no-untyped-def]
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


@pytest.fixture(scope="session")
def live_stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Portal demo, action server, Rasa server and web app, as `make run` starts them."""
    work = tmp_path_factory.mktemp("stack")
    ports = {name: free_port() for name in ("rasa", "actions", "portal", "webapp")}
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        PORTAL_BASE_URL=f"http://127.0.0.1:{ports['portal']}",
        FEEDBACK_DB_URL=f"sqlite:///{work / 'feedback.db'}",
        RASA_URL=f"http://127.0.0.1:{ports['rasa']}",
        PORTAL_TIMEOUT="2",
        PORTAL_RETRIES="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{ports['actions']}/webhook\n"
        "tracker_store:\n  type: bot.stores.MaskingSQLTrackerStore\n  dialect: sqlite\n"
        f"  db: {work / 'tracker.db'}\n"
        "lock_store:\n  type: in_memory\n",
        encoding="utf-8",
    )
    env.update(
        RASA_PORT=str(ports["rasa"]),
        ACTIONS_PORT=str(ports["actions"]),
        PORTAL_PORT=str(ports["portal"]),
        WEBAPP_PORT=str(ports["webapp"]),
        ENDPOINTS_FILE=str(endpoints),
    )
    services = devserver.services(env)  # the same processes `make run` starts
    log = (work / "stack.log").open("wb")
    processes = [
        subprocess.Popen(s.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for s in services
    ]
    stack = Stack(
        rasa_url=f"http://127.0.0.1:{ports['rasa']}",
        webapp_url=f"http://127.0.0.1:{ports['webapp']}",
        portal_url=f"http://127.0.0.1:{ports['portal']}",
        actions_url=f"http://127.0.0.1:{ports['actions']}",
        tracker_db=work / "tracker.db",
        env=env,
        processes=processes,
    )
    try:
        for service in services:
            wait_healthy(service.health_url, processes, devserver.START_TIMEOUT)
        yield stack
    except RuntimeError:
        log.flush()
        print((work / "stack.log").read_text(encoding="utf-8", errors="replace")[-5000:])
        raise
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
