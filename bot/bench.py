"""Benchmarks: ``python -m bot.bench [--out docs/BENCHMARKS.md]``.

* NLU parse latency (p50/p95/p99) of the trained model over a fixed list of citizen messages,
  loaded in-process with ``Agent.load``, after a warm-up, repeated within a time budget;
* model load: ``Agent.load`` in-process, and "server start to first answer": ``rasa run`` as a
  subprocess, timed from its start until ``POST /webhooks/rest/webhook`` answers "xin chào".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.nlu import metrics
from bot.nlu.evaluate import load_agent, machine_summary, now, quiet_rasa, write_section

if TYPE_CHECKING:
    from rasa.core.agent import Agent

ROOT = Path(__file__).resolve().parents[1]
TARGET_PARSE_P50_MS = 20.0
TARGET_LOAD_S = 15.0

# What citizens type: accented and not, short and long, with codes, phones, places and dates.
MESSAGES: tuple[str, ...] = (
    "xin chào",
    "chào cháu",
    "alo",
    "cảm ơn cháu nhiều nhé",
    "không",
    "ừ đúng rồi",
    "có",
    "tạm biệt",
    "cho bác gặp cán bộ",
    "nói lại đi cháu",
    "khó hiểu quá, nói đơn giản thôi",
    "làm căn cước công dân cần giấy tờ gì",
    "làm giấy khai sinh cho cháu nội mất bao nhiêu tiền",
    "đăng ký kết hôn thì bao lâu có kết quả",
    "xin lý lịch tư pháp thì nộp ở đâu",
    "tôi muốn nộp hồ sơ trên điện thoại thì làm thế nào",
    "hồ sơ của tôi đến đâu rồi",
    "tra cứu hồ sơ 000.00.01.H26-250708-0003",
    "mã hồ sơ là 000.25.30.H26-260112-0147",
    "bác ở xã Sóc Sơn, muốn hỏi thủ tục sang tên sổ đỏ",
    "tôi ở phường Hà Đông, làm lý lịch tư pháp ở đâu",
    "đăng ký tạm trú cho con thuê nhà thì cần những gì",
    "mất căn cước rồi giờ làm lại thế nào",
    "trợ cấp người cao tuổi bao giờ được nhận",
    "cán bộ xã làm chậm quá, tôi muốn phản ánh",
    "số điện thoại của tôi là 0912 345 678, gọi lại cho tôi nhé",
    "ngày 3/11 tôi nộp hồ sơ khai tử cho bố, giờ tới đâu rồi",
    "VNeID đăng nhập không được thì làm sao",
    "bạn là người thật hay máy",
    "hôm nay trời có mưa không",
    (
        "cháu ơi bác năm nay bảy mươi tuổi rồi, không rành điện thoại, bác muốn làm lại sổ "
        "hộ khẩu cho con trai mới chuyển về ở cùng thì phải mang những giấy tờ gì lên xã ạ"
    ),
    (
        "tôi nộp hồ sơ đăng ký hộ kinh doanh từ tuần trước trên cổng dịch vụ công của thành "
        "phố mà đến giờ vẫn chưa thấy ai gọi, mã hồ sơ 000.17.12.H26-261102-0021, nhờ kiểm tra"
    ),
    "5 sao",
    "rất hài lòng",
    "bỏ qua câu này",
    "xin chao",
    "chao chau",
    "cam on nhieu",
    "khong",
    "uh dung roi",
    "cho gap can bo",
    "lam can cuoc can giay to gi",
    "lam giay khai sinh mat bao nhieu tien",
    "dang ky ket hon bao lau co ket qua",
    "ho so cua toi den dau roi",
    "tra cuu ho so 000.40.21.H26-251209-0008",
    "bac o xa Soc Son muon hoi thu tuc sang ten so do",
    "nop ho so online the nao",
    "lam ly lich tu phap o dau",
    "sdt cua toi 0987654321 goi lai giup",
    "hs toi nop hom qua sao chua co ket qua",
    "ko hieu gi het",
    "dang ky tam tru can nhung gi vay",
    "cccd het han thi lam lai o dau",
    "ban la nguoi hay may",
    (
        "chau oi bac muon xin giay xac nhan tinh trang hon nhan de lam thu tuc mua ban dat "
        "thi len xa nop hay nop tren mang duoc, bac khong biet dung dien thoai lam"
    ),
    "HỒ SƠ ĐẾN ĐÂU RỒI",
    "thủ tục gì ạ???",
    "ok",
    "😊",
)


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    parses: int
    rounds: int


@dataclass(frozen=True)
class BenchResult:
    latency: Latency
    agent_loads: list[float]  # the first one is cold (lazy imports of TensorFlow and co.)
    server_starts: list[float]
    server_error: str = ""
    first_reply: str = ""


# --- NLU parse latency -------------------------------------------------------------------------


async def parse_latencies(
    agent: Agent, messages: Sequence[str], rounds: int, budget_s: float
) -> tuple[list[float], int]:
    """Per-parse seconds over up to ``rounds`` passes of ``messages`` within ``budget_s``."""
    parse = agent.parse_message
    for text in messages:  # warm-up: caches, lazy imports, first-call allocations
        await parse(text)
    seconds: list[float] = []
    deadline = time.perf_counter() + budget_s
    done = 0
    while done < rounds and (done == 0 or time.perf_counter() < deadline):
        for text in messages:
            started = time.perf_counter()
            await parse(text)
            seconds.append(time.perf_counter() - started)
        done += 1
    return seconds, done


def summarize(seconds: Sequence[float], rounds: int) -> Latency:
    ms = [s * 1000 for s in seconds]
    return Latency(
        metrics.percentile(ms, 50),
        metrics.percentile(ms, 95),
        metrics.percentile(ms, 99),
        sum(ms) / len(ms),
        max(ms),
        len(ms),
        rounds,
    )


# --- server start to first answer --------------------------------------------------------------

ENDPOINTS = """\
# Written by bot.bench: in-memory tracker and lock stores, no action server.
lock_store:
  type: in_memory
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ask(url: str, text: str, timeout: float = 10.0) -> list[dict[str, object]]:
    """POST one message to the REST channel; the bot's replies (empty when none)."""
    body = json.dumps({"sender": f"bench-{uuid.uuid4().hex[:8]}", "message": text}).encode()
    request = urllib.request.Request(  # noqa: S310 - a local http URL we built
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        replies = json.loads(response.read() or b"[]")
    return replies if isinstance(replies, list) else []


def server_start_seconds(
    model: Path, credentials: Path, workdir: Path, timeout_s: float = 240.0
) -> tuple[float, str]:
    """Seconds from starting ``rasa run`` until the REST webhook answers "xin chào", and the
    text of that answer."""
    port = free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(ENDPOINTS, "utf-8")
    log_path = workdir / f"rasa-{port}.log"
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    args = [
        sys.executable, "-m", "rasa", "run", "--enable-api",
        "--interface", "127.0.0.1", "--port", str(port),
        "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(credentials),
    ]  # fmt: skip
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and rasa
            args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
        )
        try:
            while time.perf_counter() - started < timeout_s:
                if process.poll() is not None:
                    tail = log_path.read_text("utf-8", errors="replace")[-2000:]
                    raise RuntimeError(f"rasa run exited with {process.returncode}:\n{tail}")
                try:
                    replies = ask(url, "xin chào")
                    if replies:
                        return time.perf_counter() - started, str(replies[0].get("text", ""))
                except (urllib.error.URLError, OSError, ValueError):
                    pass
                time.sleep(0.2)
            raise TimeoutError(f"no answer from rasa run within {timeout_s:.0f} s")
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (its own process group), politely first."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- report ------------------------------------------------------------------------------------


def verdict(value: float, target: float, unit: str) -> str:
    return f"≤ {target:g} {unit} {'✅' if value <= target else '❌'}"


def render(result: BenchResult, command: str, model: Path) -> str:
    lat = result.latency
    cold, *warm = result.agent_loads
    accented = sum(1 for m in MESSAGES if m != _plain(m))
    lines = [
        "## Benchmarks (NLU latency, model load)",
        "",
        f"- Command: `{command}`",
        f"- Date: {now()}",
        f"- Machine: {machine_summary()}",
        f"- Model: `{model}` ({model.stat().st_size / 1024**2:.1f} MiB)",
        f"- Messages: {len(MESSAGES)} fixed citizen messages ({accented} with diacritics, "
        f"{len(MESSAGES) - accented} without; 1 to {max(len(m) for m in MESSAGES)} characters), "
        f"parsed once to warm up, then {lat.rounds} rounds ({lat.parses} timed parses, "
        "`Agent.parse_message`, one at a time).",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| NLU parse latency p50 | {lat.p50_ms:.1f} ms | "
        f"{verdict(lat.p50_ms, TARGET_PARSE_P50_MS, 'ms')} |",
        f"| NLU parse latency p95 | {lat.p95_ms:.1f} ms | |",
        f"| NLU parse latency p99 | {lat.p99_ms:.1f} ms | |",
        f"| NLU parse latency mean / max | {lat.mean_ms:.1f} ms / {lat.max_ms:.1f} ms | |",
        f"| model load, `Agent.load` in-process, first (cold) load | {cold:.2f} s | "
        f"{verdict(cold, TARGET_LOAD_S, 's')} |",
    ]
    if warm:
        lines.append(
            f"| model load, `Agent.load` again in the same process (median of {len(warm)}) | "
            f"{metrics.median(warm):.2f} s | |"
        )
    if result.server_starts:
        start = metrics.median(result.server_starts)
        runs = ", ".join(f"{s:.1f}" for s in result.server_starts)
        lines.append(
            f"| server start to first answer, `rasa run` → REST reply to «xin chào» "
            f"(median of {len(result.server_starts)}: {runs} s) | {start:.1f} s | "
            f"{verdict(start, TARGET_LOAD_S, 's')} |"
        )
    else:
        lines.append(f"| server start to first answer | not measured: {result.server_error} | |")
    lines += [
        "",
        "Server start runs `rasa run --enable-api` with the project's `credentials.yml` and an "
        "endpoints file with in-memory tracker and lock stores and no action server; the time "
        "includes Python and Rasa imports, model loading and the first reply"
        + (f" (it was «{_short(result.first_reply)}»)" if result.first_reply else "")
        + ". Held-out accuracy "
        "(≥ 95%, ≥ 93% without diacritics) and entity F1 (≥ 90%) targets: see the NLU "
        "evaluation section.",
    ]
    return "\n".join(lines)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str) -> str:
    from bot.nlu.text import strip_diacritics

    return strip_diacritics(text)


# --- command line ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.bench", description=__doc__)
    parser.add_argument("--model", default="models/current.tar.gz", help="trained model")
    parser.add_argument("--credentials", default="credentials.yml", help="for `rasa run`")
    parser.add_argument("--out", help="Markdown file to update (default: print)")
    parser.add_argument("--rounds", type=int, default=30, help="latency passes over the list")
    parser.add_argument("--budget", type=float, default=60.0, help="latency time budget, s")
    parser.add_argument("--server-runs", type=int, default=3, help="0 skips the server start")
    parser.add_argument("--load-runs", type=int, default=3, help="in-process Agent.load runs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    model = Path(args.model)
    if not model.is_file():
        parser.error(f"{model} not found: train first (`make train`)")
    if args.rounds < 1 or args.load_runs < 1 or args.server_runs < 0 or args.budget <= 0:
        parser.error("--rounds and --load-runs must be ≥ 1, --server-runs ≥ 0, --budget > 0")
    quiet_rasa()
    agent, first = load_agent(str(model))
    loads = [first]
    for _ in range(args.load_runs - 1):
        agent, seconds = load_agent(str(model))
        loads.append(seconds)
    seconds_list, rounds = asyncio.run(parse_latencies(agent, MESSAGES, args.rounds, args.budget))
    del agent
    starts: list[float] = []
    reply = ""
    error = "skipped (--server-runs 0)" if args.server_runs == 0 else ""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        try:
            for _ in range(args.server_runs):
                seconds, reply = server_start_seconds(model, Path(args.credentials), Path(tmp))
                starts.append(seconds)
        except (RuntimeError, TimeoutError, OSError) as exc:
            starts, error = [], str(exc).splitlines()[0]
            print(f"server start failed: {exc}", file=sys.stderr)
    result = BenchResult(summarize(seconds_list, rounds), loads, starts, error, reply)
    command = " ".join(["python -m bot.bench", shlex.join(argv)]).strip()
    body = render(result, command, model)
    if args.out:
        write_section(Path(args.out), "bench", body)
        print(f"wrote the bench section of {args.out}")
    else:
        print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
