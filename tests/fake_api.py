"""A local fake of the model APIs the README's examples call, for tests without network: the
OpenAI chat-completions and Responses APIs (OpenAI, vLLM, any OpenAI-compatible server),
Anthropic's Messages API and Gemini's generateContent, with and without streaming.

Every request is recorded (path and JSON body). A request whose messages hold the teacher's
system prompt gets feedback; any other gets a wrong maze answer. Start it with `serve()`; its
`url` is the base for `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `GOOGLE_BASE_URL` and
`VLLM_BASE_URL` (each with the path prefix its SDK expects).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rl2f_eval.teachers import prompts

STUDENT_REPLY = "I walk right once.\nANSWER: R"
TEACHER_REPLY = "Check where your path meets the first wall."
TEACHER_MARK = prompts.TEACHER_SYSTEM[:60]


@dataclass
class Request:
    path: str
    body: dict[str, Any]

    @property
    def teacher(self) -> bool:
        return TEACHER_MARK in json.dumps(self.body)

    @property
    def probe(self) -> bool:
        """Inspect's check that a model answers at all, before the evaluation starts."""
        return "Please say 'hello, world'" in json.dumps(self.body)


@dataclass
class FakeAPI:
    server: ThreadingHTTPServer
    requests: list[Request] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _usage() -> dict[str, int]:
    return {"prompt_tokens": 50, "completion_tokens": 9, "total_tokens": 59}


def chat_completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(),
    }


def chat_chunks(model: str, text: str) -> list[dict[str, Any]]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model}
    base["created"] = int(time.time())
    return [
        {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]},
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {**base, "choices": [], "usage": _usage()},
    ]


def response(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": [
            {
                "type": "message",
                "id": "msg_fake",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 50,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 9,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 59,
        },
    }


def message(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 50, "output_tokens": 9},
    }


def message_events(model: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    start = {**message(model, ""), "content": []}
    return [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": text},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 9},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]


def gemini(text: str) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 9, "totalTokenCount": 59},
        "modelVersion": "gemini-2.5-pro",
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api: FakeAPI

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _json(self, payload: Any, status: int = 200) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _events(self, events: list[tuple[str | None, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for name, payload in events:
            head = f"event: {name}\n" if name else ""
            self.wfile.write(f"{head}data: {json.dumps(payload)}\n\n".encode())
        if events and events[0][0] is None:
            self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self) -> None:  # model listings and health checks
        if self.path.rstrip("/").endswith("/models"):
            self._json({"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._json({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        request = Request(self.path, body)
        self.api.requests.append(request)
        text = TEACHER_REPLY if request.teacher else STUDENT_REPLY
        model = str(body.get("model", "fake"))
        stream = bool(body.get("stream"))
        if self.path.endswith("/chat/completions"):
            if stream:
                self._events([(None, chunk) for chunk in chat_chunks(model, text)])
            else:
                self._json(chat_completion(model, text))
        elif self.path.endswith("/responses"):
            if stream:
                done = response(model, text)
                self._events(
                    [("response.completed", {"type": "response.completed", "response": done})]
                )
            else:
                self._json(response(model, text))
        elif self.path.endswith("/messages"):
            if stream:
                self._events(list(message_events(model, text)))
            else:
                self._json(message(model, text))
        elif ":streamGenerateContent" in self.path:
            self._events([(None, gemini(text))][:1])
        elif ":generateContent" in self.path:
            self._json(gemini(text))
        else:
            self._json({"error": {"message": f"no such route {self.path}"}}, status=404)


def serve() -> FakeAPI:
    handler = type("BoundHandler", (Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    api = FakeAPI(server)
    handler.api = api
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return api
