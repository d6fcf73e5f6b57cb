"""A local SMTP server (aiosmtpd) that records what it receives, for integration tests and
the benchmark. It listens on 127.0.0.1 only."""

import email
import socket
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self):
        self.messages: list[tuple[str, str]] = []  # (Message-ID, To)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((message["Message-ID"], message["To"]))
        return "250 OK"

    def ids(self) -> list[str]:
        with self.lock:
            return [message_id for message_id, _ in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sink() -> tuple[Controller, Recorder, int]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, recorder, port
