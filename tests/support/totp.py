"""RFC 6238 time-based one-time codes, written out (not allauth's helpers), so the tests check
allauth's codes against the standard rather than against itself."""

import base64
import hashlib
import hmac
import struct
import time


def totp(secret: str, *, step_offset: int = 0, period: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(time.time()) // period + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)
