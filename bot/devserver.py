"""``make run``: start every process on embedded defaults, print the URLs, stop all on Ctrl-C.

Processes: the demo portal (dossier status), the Rasa action server, the Rasa server (REST and
socket.io channels) and the staff web app (dashboard, web chat demo page). Ports can be changed
with environment variables (``RASA_PORT``, ``ACTIONS_PORT``, ``PORTAL_PORT``, ``WEBAPP_PORT``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot import profile

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "current.tar.gz"
START_TIMEOUT = 180.0  # seconds; the Rasa server loads TensorFlow


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    public_url: str

    process: subprocess.Popen[bytes] | None = None


def services(env: dict[str, str]) -> list[Service]:
    rasa = str(VENV_BIN / "rasa")
    python = sys.executable
    rasa_port, actions_port = env["RASA_PORT"], env["ACTIONS_PORT"]
    portal_port, webapp_port = env["PORTAL_PORT"], env["WEBAPP_PORT"]
    return [
        Service(
            "Cổng demo (tra cứu hồ sơ)",
            [python, "-m", "bot.portal.demo_server", "--port", portal_port],
            f"http://127.0.0.1:{portal_port}/healthz",
            f"http://127.0.0.1:{portal_port}/healthz",
        ),
        Service(
            "Rasa action server",
            [rasa, "run", "actions", "--port", actions_port, "--actions", "actions"],
            f"http://127.0.0.1:{actions_port}/health",
            f"http://127.0.0.1:{actions_port}/health",
        ),
        Service(
            "Rasa server (REST, socket.io)",
            [
                rasa,
                "run",
                "--enable-api",
                "--cors",
                "*",
                "--port",
                rasa_port,
                "--model",
                str(MODEL),
                "--endpoints",
                env["ENDPOINTS_FILE"],
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
            f"http://127.0.0.1:{rasa_port}/status",
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
        ),
        Service(
            "Web app (cán bộ, web chat demo)",
            [python, "-m", "bot.webapp", "--port", webapp_port, "--demo"],
            f"http://127.0.0.1:{webapp_port}/healthz",
            f"http://127.0.0.1:{webapp_port}/",
        ),
    ]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def _stop(running: list[Service]) -> None:
    for service in running:
        if service.process and service.process.poll() is None:
            service.process.terminate()
    deadline = time.monotonic() + 15
    for service in running:
        if service.process is None:
            continue
        try:
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            service.process.kill()


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTIONS_PORT", "5055")
    env.setdefault("PORTAL_PORT", "8090")
    env.setdefault("WEBAPP_PORT", "8080")
    env.setdefault("PORTAL_BASE_URL", f"http://127.0.0.1:{env['PORTAL_PORT']}")
    env.setdefault("RASA_URL", f"http://127.0.0.1:{env['RASA_PORT']}")
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{env['ACTIONS_PORT']}/webhook")
    env.setdefault("PYTHONPATH", str(ROOT))
    env["ENDPOINTS_FILE"] = str(profile.apply(env))
    return env


def main() -> int:
    if not MODEL.exists():
        print("No trained model: run `make run` (it trains first).", file=sys.stderr)
        return 1
    (ROOT / "var").mkdir(exist_ok=True)
    env = build_env()
    running: list[Service] = []
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        for service in services(env):
            service.process = subprocess.Popen(service.command, cwd=ROOT, env=env)  # noqa: S603
            running.append(service)
        deadline = time.monotonic() + START_TIMEOUT
        waiting = list(running)
        while waiting and not stop_requested:
            for service in list(waiting):
                if service.process and service.process.poll() is not None:
                    print(f"{service.name} exited early (code {service.process.returncode}).")
                    return 1
                if _healthy(service.health_url):
                    waiting.remove(service)
            if time.monotonic() > deadline:
                print("Timed out waiting for: " + ", ".join(s.name for s in waiting))
                return 1
            time.sleep(0.5)
        if stop_requested:
            return 130
        name = profile.profile_name(env)
        print(f"\nTrợ lý Dịch vụ công is running (profile: {name}). Ctrl-C stops everything.")
        for service in running:
            print(f"  {service.name:34} {service.public_url}")
        print(f"  {'Web chat demo page':34} http://127.0.0.1:{env['WEBAPP_PORT']}/demo")
        while not stop_requested:
            for service in running:
                if service.process and service.process.poll() is not None:
                    print(f"{service.name} stopped (code {service.process.returncode}).")
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        _stop(running)


if __name__ == "__main__":
    sys.exit(main())
