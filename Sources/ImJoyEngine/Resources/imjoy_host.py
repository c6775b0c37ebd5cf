# imjoy-run's Python plugin host (docs/plugin-hosts.md).
#
# The runner starts `python -u imjoy_host.py` with the protocol on stdin/stdout. The host moves
# the protocol to private descriptors, points fd 0 at /dev/null and fd 1 at the descriptor named
# by IMJOY_RUN_STDOUT_FD (else at fd 2); the runner reads fds 1 and 2 through pipes. sys.stdout
# and sys.stderr send their lines as `output` frames instead, in order with the other frames.
# Then it serves frames:
#
#   frame  = u32 header length, u32 buffer count, header (UTF-8 JSON), then per buffer a u64
#            length and the bytes (all little endian).
#   binary values in the header are {"__b__": i} (buffer i of the frame) or
#   {"__shm__": name, "size": n} (the first n bytes of /dev/shm/<name>, mapped and reused).
#
# Messages from the runner: init, call, exit. To the runner: ready, event, output, api (answered
# by a reply), window, result, error.
import asyncio
import inspect
import io
import json
import mmap
import os
import struct
import sys
import threading
import traceback
import types

PROTO_IN = os.dup(0)
PROTO_OUT = os.dup(1)
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.close(_devnull)
_stdout_fd = os.environ.pop("IMJOY_RUN_STDOUT_FD", None)
if _stdout_fd and _stdout_fd.isdigit() and _stdout_fd not in ("0", "1", "2"):
    os.dup2(int(_stdout_fd), 1)
    os.close(int(_stdout_fd))
else:
    os.dup2(2, 1)
sys.stdin = open(os.devnull)
_forked = [False]  # in a child forked by the plugin: no frames, straight to the fds
if hasattr(os, "register_at_fork"):  # Python 3.7+; on 3.6 a forked child is not detected
    os.register_at_fork(after_in_child=lambda: _forked.__setitem__(0, True))

SHM_THRESHOLD = 1 << 20
MAX_DEPTH = 200  # levels of nesting a value sent to the runner may have
_np = None


def np():
    global _np
    if _np is None:
        import numpy
        _np = numpy
    return _np


# MARK: - Frames

def _read_exact(n):
    chunks = []
    while n > 0:
        chunk = os.read(PROTO_IN, min(n, 1 << 24))
        if not chunk:
            raise EOFError("the runner closed the pipe")
        chunks.append(chunk)
        n -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_frame():
    header_len, count = struct.unpack("<II", _read_exact(8))
    header = json.loads(_read_exact(header_len))
    buffers = []
    for _ in range(count):
        (size,) = struct.unpack("<Q", _read_exact(8))
        buffers.append(_read_exact(size) if size else b"")
    return header, buffers


_write_lock = threading.Lock()
_writing = threading.local()


def write_frame(header, buffers=()):
    data = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    parts = [struct.pack("<II", len(data), len(buffers)), data]
    for buffer in buffers:
        view = memoryview(buffer).cast("B")
        parts.append(struct.pack("<Q", view.nbytes))
        parts.append(view)
    write_parts(parts)


def write_parts(parts):
    # One write for a frame that fits in the pipe's usual chunk: every write can wake the runner,
    # and a wakeup across CPUs costs more than copying a few KiB.
    if len(parts) > 1 and sum(memoryview(part).nbytes for part in parts) <= 1 << 16:
        parts = [b"".join(parts)]
    with _write_lock:
        _writing.active = True
        try:
            for part in parts:
                view = memoryview(part)
                while view.nbytes:
                    written = os.write(PROTO_OUT, view)
                    view = view[written:]
        finally:
            _writing.active = False


# MARK: - Output

class OutputStream(io.TextIOBase):
    """The plugin's sys.stdout / sys.stderr: complete lines go to the runner as `output` frames,
    ordered with the plugin's api messages and results. Where a frame cannot be sent — a forked
    child, a write while this thread sends a frame — text goes to the file descriptor, which the
    runner reads too."""

    encoding = "utf-8"
    errors = "backslashreplace"
    newlines = None
    line_buffering = True
    MAX_LINE = 1 << 16

    def __init__(self, stream, fd):
        super().__init__()
        self.stream = stream
        self.name = "<%s>" % stream
        self._fd = fd
        self._pending = ""
        self._lock = threading.Lock()
        self._raw = open(fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)

    @property
    def buffer(self):
        return self._raw.buffer

    def fileno(self):
        return self._fd

    def isatty(self):
        return False

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        if _forked[0] or getattr(_writing, "active", False):
            self._raw.write(text)
            self._raw.flush()
            return len(text)
        with self._lock:
            self._pending += text
            if "\n" not in text and "\r" not in text and len(self._pending) < self.MAX_LINE:
                return len(text)
            pending = self._pending
            if "\r" in pending:
                pending = pending.replace("\r\n", "\n").replace("\r", "\n")
            lines = pending.split("\n")
            self._pending = lines.pop()
            if len(self._pending) >= self.MAX_LINE:
                lines.append(self._pending)
                self._pending = ""
            if lines:
                self._send(lines)
        return len(text)

    def flush(self):
        if _forked[0] or getattr(_writing, "active", False):
            return
        with self._lock:
            if self._pending:
                lines, self._pending = [self._pending], ""
                self._send(lines)

    def _send(self, lines):
        # write_frame's work for this one shape of frame, in one write: plugins print a lot.
        data = ('{"t":"output","stream":"%s","idle":%s,"lines":%s}' % (
            self.stream, "false" if _in_call[0] else "true", json.dumps(lines))).encode()
        write_parts((struct.pack("<II", len(data), 0) + data,))


_in_call = [False]
OUTPUTS = (OutputStream("stdout", 1), OutputStream("stderr", 2))


def flush_output():
    for stream in OUTPUTS:
        stream.flush()


# MARK: - Shared memory

class SharedSegments:
    """Mappings of /dev/shm files, cached by name: the runner's input segments and ours."""

    def __init__(self):
        self.maps = {}
        self.addresses = {}
        self.out = []  # our result segments: [name, size, mmap]
        self.prefix = "imjoy-run-py-%d" % os.getpid()
        self.serial = 0

    def locate(self, view):
        """(name, offset) when `view` lies inside one of the runner's segments, else None."""
        if not self.maps or view.nbytes < SHM_THRESHOLD:
            return None
        try:
            address = np().frombuffer(view, dtype=np().uint8).__array_interface__["data"][0]
        except (TypeError, ValueError):
            return None
        for name, entry in self.maps.items():
            base = self.addresses.get(name)
            if base is None:
                import ctypes
                try:
                    base = ctypes.addressof(ctypes.c_char.from_buffer(entry))
                except (TypeError, ValueError, BufferError):
                    continue
                self.addresses[name] = base
            if base <= address and address + view.nbytes <= base + len(entry):
                return name, address - base
        return None

    def view(self, name, size):
        entry = self.maps.get(name)
        if entry is None or len(entry) < size:
            if entry is not None:
                entry.close()
                self.addresses.pop(name, None)
            fd = os.open("/dev/shm/" + name, os.O_RDWR)
            try:
                entry = mmap.mmap(fd, max(size, os.fstat(fd).st_size))
            finally:
                os.close(fd)
            self.maps[name] = entry
        return memoryview(entry)[:size]

    def drop(self, names):
        for name in names:
            self.addresses.pop(name, None)
            entry = self.maps.pop(name, None)
            if entry is not None:
                try:
                    entry.close()
                except BufferError:
                    pass

    def result_slot(self, slot, size):
        """The slot-th result segment, grown (under a new name) when smaller than size."""
        while len(self.out) <= slot:
            self.out.append(None)
        current = self.out[slot]
        if current is None or current[1] < size:
            if current is not None:
                try:
                    os.unlink("/dev/shm/" + current[0])
                except OSError:
                    pass
                try:
                    current[2].close()
                except BufferError:
                    pass
            self.serial += 1
            name = "%s-%d" % (self.prefix, self.serial)
            fd = os.open("/dev/shm/" + name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.ftruncate(fd, size)
                mm = mmap.mmap(fd, size)
            finally:
                os.close(fd)
            current = [name, size, mm]
            self.out[slot] = current
        return current

    def cleanup(self):
        for entry in self.out:
            if entry is not None:
                try:
                    os.unlink("/dev/shm/" + entry[0])
                except OSError:
                    pass


SEGMENTS = SharedSegments()


# MARK: - Values

class dotdict(dict):
    """A dict with attribute access, like imjoy-rpc's dotdict (missing attributes are None)."""

    __getattr__ = dict.get
    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

    def __deepcopy__(self, memo=None):
        import copy
        return dotdict(copy.deepcopy(dict(self), memo))


def _binary(value, buffers):
    if "__b__" in value:
        return memoryview(buffers[value["__b__"]])
    return SEGMENTS.view(value["__shm__"], value["size"])


def decode(value, buffers):
    if isinstance(value, dict):
        if len(value) <= 2 and ("__b__" in value or "__shm__" in value):
            return bytes(_binary(value, buffers)) if "__b__" in value else _binary(value, buffers).toreadonly()
        rtype = value.get("_rtype")
        if rtype == "ndarray":
            raw = value.get("_rvalue")
            view = _binary(raw, buffers) if isinstance(raw, dict) else memoryview(bytes(raw or b""))
            array = np().frombuffer(view, dtype=value["_rdtype"]).reshape(value["_rshape"])
            array.flags.writeable = False
            return array
        if rtype == "memoryview" and isinstance(value.get("_rvalue"), dict):
            return _binary(value["_rvalue"], buffers).toreadonly()
        if rtype == "error":
            return Exception(value.get("_rvalue"))
        if rtype == "callback":
            return RemoteCallback(value.get("_rvalue"))
        out = dotdict({k: decode(v, buffers) for k, v in value.items()})
        codec = _CODECS.get(rtype) if _CODECS and isinstance(rtype, str) else None
        return _drive(codec["decoder"](out)) if codec and codec.get("decoder") else out
    if isinstance(value, list):
        return [decode(v, buffers) for v in value]
    return value


# imjoy-rpc's codecs (api.registerCodec): name -> {name, type, encoder, decoder}. An instance of
# a codec's type is sent as its encoder's value (with `_rtype` = the name); a received object whose
# `_rtype` names a codec with a decoder arrives decoded: results, api arguments and replies, other
# plugins' calls and callbacks alike.
_CODECS = {}


def register_codec(config=None, **kwargs):
    config = dict(config or {}, **kwargs)
    name = config.get("name")
    if not name or not (config.get("encoder") or config.get("decoder")):
        raise ValueError("api.registerCodec needs {name, type, encoder, decoder} (a name and an encoder or a decoder)")
    if config.get("encoder") and not isinstance(config.get("type"), type):
        raise ValueError("api.registerCodec(%s): an encoder needs a type (a class)" % name)
    _CODECS[name] = config


class Encoder:
    def __init__(self):
        self.buffers = []
        self.slot = 0
        self.open = set()  # ids of the containers being encoded (cycle detection)

    def binary(self, data):
        view = memoryview(data).cast("B")
        if view.nbytes >= SHM_THRESHOLD:
            # An input array (or a contiguous part of one) goes back by reference: no copy here.
            found = SEGMENTS.locate(view)
            if found is not None:
                return {"__shm__": found[0], "size": view.nbytes, "offset": found[1]}
            name, _, mm = SEGMENTS.result_slot(self.slot, view.nbytes)
            self.slot += 1
            mm[: view.nbytes] = view
            return {"__shm__": name, "size": view.nbytes}
        self.buffers.append(view)
        return {"__b__": len(self.buffers) - 1}

    def encode(self, value, depth=0):
        """`value` as frame JSON. A value nested deeper than MAX_DEPTH, or one that contains
        itself, raises Unsendable naming where (`result[0]["a"]`), never a deep traceback."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return value if value == value and value not in (float("inf"), float("-inf")) else None
        if isinstance(value, (bytes, bytearray, memoryview)):
            return self.binary(value)
        if depth >= MAX_DEPTH:
            raise Unsendable("nests more than %d levels" % MAX_DEPTH)
        marker = id(value)
        if marker in self.open:
            raise Unsendable("contains itself (a reference cycle)")
        self.open.add(marker)
        try:
            return self._container(value, depth)
        finally:
            self.open.discard(marker)

    def _container(self, value, depth):
        for codec in list(_CODECS.values()) if _CODECS else ():
            kind = codec.get("type")
            if codec.get("encoder") and isinstance(kind, type) and isinstance(value, kind):
                encoded = _drive(codec["encoder"](value))
                if isinstance(encoded, dict) and "_rtype" not in encoded:
                    encoded = dict(encoded, _rtype=codec["name"])
                return self.encode(encoded, depth + 1)
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                out[str(k)] = self._item(v, depth, "[%s]" % json.dumps(str(k)))
            return out
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self._item(v, depth, "[%d]" % i) for i, v in enumerate(value)]
        numpy = _np or sys.modules.get("numpy")
        if numpy is not None:
            if isinstance(value, numpy.ndarray):
                if value.dtype.kind not in "biuf" or value.dtype.byteorder == ">":
                    raise TypeError("cannot send a numpy array of dtype %s" % value.dtype)
                array = numpy.ascontiguousarray(value)
                return {"_rtype": "ndarray", "_rvalue": self.binary(array.reshape(-1).view(numpy.uint8)),
                        "_rshape": list(array.shape), "_rdtype": str(array.dtype)}
            if isinstance(value, numpy.generic):
                return self.encode(value.item(), depth + 1)
        if isinstance(value, BaseException):
            return {"_rtype": "error", "_rvalue": str(value)}
        if hasattr(value, "getvalue"):  # io.BytesIO / StringIO (imjoy-rpc blobs)
            data = value.getvalue()
            return {"_rtype": "blob", "_rvalue": self.binary(data) if isinstance(data, bytes) else data}
        if hasattr(value, "__dict__") and not callable(value):
            return {k: self._item(v, depth, "." + k) for k, v in vars(value).items() if not k.startswith("_")}
        return str(value)

    def _item(self, value, depth, step):
        try:
            return self.encode(value, depth + 1)
        except Unsendable as error:
            error.path.append(step)
            raise


class Unsendable(ValueError):
    """A value the protocol cannot carry: too deep, or containing itself."""

    def __init__(self, reason):
        ValueError.__init__(self, reason)
        self.reason = reason
        self.path = []  # innermost step first

    def where(self, root):
        steps = list(reversed(self.path))
        if len(steps) > 8:
            return "%s%s…%s (%d levels down)" % (root, "".join(steps[:4]), "".join(steps[-2:]), len(steps))
        return root + "".join(steps)

    def __str__(self):
        return "%s %s" % (self.where("the value"), self.reason)


def send(kind, **fields):
    flush_output()  # an unfinished line comes before what follows it
    encoder = Encoder()
    header = {"t": kind}
    for key, value in fields.items():
        header[key] = encoder.encode(value)
    write_frame(header, encoder.buffers)


# MARK: - The api

class Done:
    """The value of an api call, promise-like as in imjoy-rpc: awaitable (`await api.getConfig(...)`)
    and chainable with `.then(callback)` / `.catch(callback)` / `.finally_(callback)`. A failed
    call that no one awaits, chains or asks for its result fails the plugin's call when it ends,
    as an unhandled rejection: never a silent success."""

    __slots__ = ("value", "error", "__weakref__")

    def __init__(self, value=None, error=None):
        self.value = value
        self.error = error
        if error is not None:
            _UNHANDLED.append(self)

    def _observe(self):
        if self.error is not None:
            try:
                _UNHANDLED.remove(self)
            except ValueError:
                pass

    def __await__(self):
        self._observe()
        if self.error is not None:
            raise self.error
        value = self.value
        if inspect.isawaitable(value):
            value = yield from value.__await__()
        return value

    def result(self):
        self._observe()
        if self.error is not None:
            raise self.error
        return _settle_now(self.value)

    def then(self, on_value=None, on_error=None):
        self._observe()
        if self.error is not None:
            return self._recover(on_error) if on_error is not None else Done(error=self.error)
        if on_value is None:
            return self
        try:
            return Done(_settle_now(on_value(_settle_now(self.value))))
        except Exception as error:  # noqa: a failing callback rejects the chain
            return Done(error=error)

    def catch(self, on_error):
        self._observe()
        return self._recover(on_error) if self.error is not None else self

    def _recover(self, on_error):
        try:
            return Done(_settle_now(on_error(self.error)))
        except Exception as error:  # noqa
            return Done(error=error)

    def finally_(self, callback):
        self._observe()
        _settle_now(callback())
        return Done(self.value, self.error) if self.error is None else Done(error=self.error)

    def __repr__(self):
        return "Done(%r)" % (self.value,) if self.error is None else "Done(error=%r)" % (self.error,)


_UNHANDLED = []  # rejected Done values not observed yet
_PENDING = []  # callbacks' coroutines started while the plugin's own coroutine runs


def _settle_now(value):
    """A callback's awaitable result, run to completion: at once when no event loop runs, else as
    a task the call waits for before it ends."""
    if isinstance(value, Done):
        return value.result()
    if not inspect.isawaitable(value):
        return value
    loop = asyncio.get_event_loop()
    if loop.is_running():
        task = asyncio.ensure_future(value)
        _PENDING.append(task)
        return task
    return loop.run_until_complete(value)


def _attempt(fn, *args, **kwargs):
    """Runs an api function, its failure as a rejected Done (for `.catch`)."""
    try:
        return Done(fn(*args, **kwargs))
    except Exception as error:  # noqa
        return Done(error=error)


def request(fn, **fields):
    """Asks the runner and waits for its reply (reading frames until it comes). Meanwhile, the
    plugin called may call back a function this plugin passed it (a `callback` frame)."""
    send("api", fn=fn, **fields)
    while True:
        header, buffers = read_frame()
        if header.get("t") == "reply":
            if header.get("error") is not None:
                raise RuntimeError(header["error"])
            return decode(header.get("value"), buffers)
        if header.get("t") == "callback":
            serve_callback(header, buffers)
            continue
        raise RuntimeError("unexpected %s frame while waiting for api.%s" % (header.get("t"), fn))


# MARK: - Other plugins (getPlugin, call, run) and remote callbacks

_CALLBACKS = {}  # id -> function passed to another plugin, while the call that passed it runs
_CALLBACK_SERIAL = [0]


def export_callbacks(value, ids):
    """`value` with each function in it replaced by imjoy-rpc's callback reference (ids are
    collected in `ids`, so the caller can forget them once its call returns)."""
    if isinstance(value, RemoteCallback):
        return {"_rtype": "callback", "_rvalue": value.id}
    if callable(value) and not isinstance(value, type):
        _CALLBACK_SERIAL[0] += 1
        key = "py%d-%d" % (os.getpid(), _CALLBACK_SERIAL[0])
        _CALLBACKS[key] = value
        ids.append(key)
        return {"_rtype": "callback", "_rvalue": key}
    if isinstance(value, dict):
        return {k: export_callbacks(v, ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [export_callbacks(v, ids) for v in value]
    return value


def remote_call(fn, **fields):
    """An api request whose `args` may hold functions (called back while it runs)."""
    ids = []
    if "args" in fields:
        fields["args"] = export_callbacks(list(fields["args"]), ids)
    if "ctx" in fields:
        fields["ctx"] = export_callbacks(fields["ctx"], ids)
    try:
        return request(fn, **fields)
    finally:
        for key in ids:
            _CALLBACKS.pop(key, None)


def _drive(value):
    """The value of a callback's result: a coroutine is run to its end (it may await api
    results, which are ready at once)."""
    if not inspect.iscoroutine(value):
        return value.value if isinstance(value, Done) else value
    try:
        while True:
            value.send(None)
    except StopIteration as stop:
        return stop.value


def serve_callback(header, buffers):
    fn = _CALLBACKS.get(header.get("id"))
    try:
        if fn is None:
            raise RuntimeError("the callback %s is no longer available (its call has returned)" % header.get("id"))
        value = _drive(fn(*decode(header.get("args") or [], buffers)))
    except Exception as error:  # noqa: the caller's plugin gets the error
        send("error", message="%s: %s" % (type(error).__name__, error), traceback=plugin_traceback(error))
        return
    try:
        send("result", value=value)
    except Exception as error:  # noqa
        send("error", message="cannot send the callback's result: %s" % error, traceback="")


class RemoteCallback:
    """A function another plugin passed to this one: calling it runs it in that plugin."""

    def __init__(self, callback_id):
        self.id = callback_id

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = args + (kwargs,)
        return Done(remote_call("callback", id=self.id, args=list(args)))

    def __repr__(self):
        return "<remote callback %s>" % self.id


_window_serial = [0]


def _window_data(method, args, kwargs):
    """The data a window method call shows: `run(ctx)` shows ctx.data, `setData(x)` / any other
    method with one argument shows x, several arguments show the list."""
    if kwargs:
        args = args + (kwargs,)
    if method == "run" and len(args) == 1 and isinstance(args[0], dict) and "data" in args[0]:
        return args[0]["data"]
    return args[0] if len(args) == 1 else list(args)


class Window:
    """What createWindow/showDialog return in batch: every method call (`run`, `setData`,
    `view_image`, …) records its data as the window's latest, written as the op's display
    output when the call ends."""

    def __init__(self, config, window_id=None):
        self.config = config
        if window_id is None:
            _window_serial[0] += 1
            window_id = "window-%d" % _window_serial[0]
        self.id = window_id
        self.name = config.get("name") or config.get("type") or "window"

    def _update(self, method, data):
        # The window's config (without its data) goes along, for a window opened by an earlier call.
        config = {k: v for k, v in self.config.items() if k != "data" and not callable(v)}
        send("window", fn="update", id=self.id, window={"data": data, "_method": method, "_config": config})
        return Done(None)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._update(name, _window_data(name, args, kwargs))


class PluginProxy:
    def __init__(self, name):
        self._name = name
        self.name = name

    def __getattr__(self, method):
        if method.startswith("__"):
            raise AttributeError(method)

        def call(*args, **kwargs):
            if kwargs:
                args = args + (kwargs,)
            return Done(remote_call("call", plugin=self._name, method=method, args=list(args)))

        return call


class Utils(dotdict):
    """`api.utils`, headless: sleep, openUrl (recorded as an event, not opened), $forceUpdate (a
    no-op), assert, kill, debounce; the rest is refused by name."""

    def __init__(self):
        dotdict.__init__(self)
        import time

        def sleep(seconds=0):
            time.sleep(float(seconds or 0))
            return Done(None)

        def open_url(url, *args):
            api._event("openUrl", str(url))
            return Done(None)

        def check(condition, message="assertion failed"):
            if not condition:
                raise AssertionError(message)
            return Done(None)

        self.update({"sleep": sleep, "openUrl": open_url, "$forceUpdate": lambda *a, **k: Done(None),
                     "assert": check, "kill": lambda *a: Done(None), "debounce": lambda f, *a, **k: f})

    def __getattr__(self, name):
        if name in self:
            return self[name]
        if name.startswith("__"):
            raise AttributeError(name)

        def unavailable(*args, **kwargs):
            raise NotImplementedError("api.utils.%s is not available in batch runs (imjoy-run)" % name)

        return unavailable


class Api:
    def __init__(self):
        self._exported = None
        self._ops = {}
        self.config = dotdict()
        self.TAG = None
        self.WORKSPACE = "default"
        self.WORK_DIR = os.getcwd()
        self.ENGINE_URL = None
        self._attachments = {}
        self._call_config = {}
        self._out_dir = "."
        self._windows = 0
        self.utils = Utils()

    # -- export and registration
    def export(self, obj, config=None):
        self._exported = obj
        return Done(None)

    def register(self, *args, **kwargs):
        spec = dict(args[0]) if args and isinstance(args[0], dict) else {}
        spec.update(kwargs)
        name = spec.get("name")
        if not name:
            raise ValueError("api.register needs a name")
        self._ops[name] = spec
        return Done(name)

    registerService = register

    def unregister(self, spec=None, **kwargs):
        name = spec if isinstance(spec, str) else (spec or kwargs).get("name")
        self._ops.pop(name, None)
        return Done(None)

    unregisterService = unregister

    # -- messages
    def _event(self, fn, *args, **kwargs):
        send("event", fn=fn, args=[a if isinstance(a, (str, int, float, bool, type(None))) else str(a) for a in args]
             + ([{k: str(v) for k, v in kwargs.items()}] if kwargs else []))
        return Done(None)

    def log(self, *args, **kwargs): return self._event("log", *args, **kwargs)
    def error(self, *args, **kwargs): return self._event("error", *args, **kwargs)
    def showStatus(self, *args, **kwargs): return self._event("showStatus", *args, **kwargs)
    def showProgress(self, *args, **kwargs): return self._event("showProgress", *args, **kwargs)
    def progress(self, *args, **kwargs): return self._event("progress", *args, **kwargs)
    def showMessage(self, *args, **kwargs): return self._event("showMessage", *args, **kwargs)
    def showSnackbar(self, *args, **kwargs): return self._event("showSnackbar", *args, **kwargs)
    def alert(self, *args, **kwargs): return self._event("alert", *args, **kwargs)

    def echo(self, value=None):
        return Done(value)

    def registerCodec(self, config=None, **kwargs):
        register_codec(config, **kwargs)
        return Done(None)

    register_codec = registerCodec

    # -- state
    def getAttachment(self, name):
        if name not in self._attachments:
            raise KeyError("the plugin has no attachment named %r" % name)
        return Done(self._attachments[name])

    def getConfig(self, name=None):
        return _attempt(request, "getConfig", name=name)

    def setConfig(self, name, value=None):
        if isinstance(name, dict) and value is None:
            return _attempt(lambda: [request("setConfig", name=key, value=item) for key, item in name.items()] and None)
        return _attempt(request, "setConfig", name=name, value=value)

    # -- windows and files
    def createWindow(self, config=None, **kwargs):
        config = dict(config or {}, **kwargs)
        self._windows += 1
        window = Window(config)
        send("window", fn="createWindow", id=window.id, window=config)
        return Done(window)

    def showDialog(self, config=None, **kwargs):
        config = dict(config or {}, **kwargs)
        if "ui" in config or config.get("type") == "joy":
            # A form: a person fills it in; the answer comes from the op's answers.
            return _attempt(self._ask, "showDialog", config.get("name") or config.get("title") or "", options=config)
        window = Window(config)
        send("window", fn="showDialog", id=window.id, window=config)
        return Done(window)

    def getWindow(self, name):
        return Done(Window({"name": name}, window_id=name if isinstance(name, str) else None))

    def updateWindow(self, window, data=None):
        if isinstance(window, dict) and "id" in window and data is None:
            # The old form: api.updateWindow({"id": window_id, "data": …}).
            window, data = window["id"], {k: v for k, v in window.items() if k != "id"}
        target = window if isinstance(window, Window) else Window({"name": str(window)}, window_id=str(window))
        if isinstance(data, dict) and "data" in data and set(data) <= {"data", "name", "type", "config"}:
            data = data["data"]
        return target._update("updateWindow", data)

    def exportFile(self, file, name=None):
        if hasattr(file, "getvalue"):
            file = file.getvalue()
        if isinstance(file, str) and os.path.exists(file) and name is None:
            name = os.path.basename(file)
            file = open(file, "rb").read()
        name = os.path.basename(str(name or "exported_file"))
        os.makedirs(self._out_dir, exist_ok=True)
        path = os.path.join(os.path.abspath(self._out_dir), name)
        with open(path, "wb") as handle:
            handle.write(file.encode() if isinstance(file, str) else bytes(file))
        self._event("exportFile", path)
        _window_serial[0] += 1
        send("window", fn="exportFile", id="export-%d" % _window_serial[0], window={"path": path})
        return Done(path)

    # -- interactive calls, answered by the runner from the op's answers
    def _ask(self, fn, message="", default=None, options=None):
        reply = request("answer", function=fn, message=message, default=default, options=options or {})
        if reply.get("note"):
            self._event("answer", reply["note"])
        return reply.get("value")

    def showFileDialog(self, options=None, **kwargs):
        options = dict(options or {}, **kwargs)
        return _attempt(self._ask, "showFileDialog", options.get("title") or options.get("name") or "", options=options)

    def prompt(self, text="", default=None, **kwargs):
        if isinstance(text, dict):
            default = text.get("placeholder", default)
            text = text.get("content") or text.get("title") or ""
        return _attempt(self._ask, "prompt", str(text), default=default, options=kwargs)

    def confirm(self, text="", **kwargs):
        if isinstance(text, dict):
            text = text.get("content") or text.get("title") or ""
        return _attempt(self._ask, "confirm", str(text), options=kwargs)

    # -- other plugins
    def getPlugin(self, name):
        if isinstance(name, dict):
            name = name.get("name")
        found = request("getPlugin", plugin=name) or {}
        return Done(PluginProxy(found.get("name") or name))

    def call(self, plugin, method, *args, **kwargs):
        if kwargs:
            args = args + (kwargs,)
        return Done(remote_call("call", plugin=plugin, method=method, args=list(args)))

    def run(self, plugin, ctx=None):
        return Done(remote_call("run", plugin=plugin, ctx=ctx or {}))

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)

        def unavailable(*args, **kwargs):
            raise NotImplementedError("api.%s is not available in batch runs (imjoy-run)" % name)

        return unavailable


api = Api()


def install_modules():
    for module_name in ("imjoy", "imjoy_rpc"):
        module = types.ModuleType(module_name)
        module.api = api
        module.__path__ = []
        sys.modules[module_name] = module


# MARK: - Serving

def member(obj, name):
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


class Host:
    def __init__(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.namespace = {"__name__": "__main__", "api": api}

    def settle(self, value):
        """The value of a plugin function's result, awaited; then the callbacks it started
        (`.then(async …)`) run to their end, and a failed api call nobody handled fails it."""
        if isinstance(value, Done):
            value = value.result()
        elif inspect.isawaitable(value):
            value = self.loop.run_until_complete(value)
        while _PENDING:
            tasks = list(_PENDING)
            del _PENDING[:]
            self.loop.run_until_complete(asyncio.gather(*tasks))
        if _UNHANDLED:
            error = _UNHANDLED[0].error
            del _UNHANDLED[:]
            raise error
        return value

    def start(self, message):
        api.TAG = message.get("tag")
        api.WORKSPACE = message.get("workspace") or "default"
        api.WORK_DIR = message.get("work_dir") or os.getcwd()
        api._attachments = message.get("attachments") or {}
        api.config = dotdict(tag=api.TAG, workspace=api.WORKSPACE, engine=None, work_dir=api.WORK_DIR,
                             **{k: v for k, v in (message.get("config") or {}).items() if k not in ("tag", "workspace")})
        api._out_dir = message.get("out_dir") or "."
        os.environ["WORK_DIR"] = api.WORK_DIR
        if message.get("cwd"):
            os.makedirs(message["cwd"], exist_ok=True)
            os.chdir(message["cwd"])
        for index, script in enumerate(message.get("scripts") or []):
            # Blank lines before the script: tracebacks show the plugin file's line numbers.
            source = "\n" * max(int(script.get("line") or 1) - 1, 0) + script["content"]
            code = compile(source, "<%s script %d>" % (message.get("name"), index + 1), "exec")
            exec(code, self.namespace)
        if api._exported is None:
            raise RuntimeError("the plugin never called api.export(...)")
        setup = member(api._exported, "setup")
        if setup is not None:
            del _UNHANDLED[:]
            self.settle(setup())

    def function(self, op, method):
        if method is not None:
            fn = member(api._exported, method)
            if fn is None or not callable(fn):
                raise AttributeError("the plugin exports no function %r" % method)
            return fn
        if op is None or op not in api._ops:
            fn = member(api._exported, "run")
            if op is not None and op != api.config.get("name"):
                raise KeyError("the plugin registers no op %r (it registers: %s)" % (op, ", ".join(sorted(api._ops)) or "none"))
            if fn is None:
                raise AttributeError("the plugin exports no run function")
            return fn
        spec = api._ops[op]
        fn = spec.get("run") or member(api._exported, "run")
        if fn is None:
            raise AttributeError("op %r has no run function" % op)
        return fn

    def call(self, header, buffers):
        args = decode(header.get("args") or [], buffers)
        api._call_config = dict(header.get("config") or {})
        api._out_dir = header.get("out_dir") or api._out_dir
        SEGMENTS.drop(header.get("drop") or [])
        fn = self.function(header.get("op"), header.get("method"))
        kwargs = {}
        if args and isinstance(args[-1], dict) and args[-1].get("_rkwarg"):
            kwargs = {k: v for k, v in args[-1].items() if k != "_rkwarg"}
            args = args[:-1]
        del _UNHANDLED[:]
        del _PENDING[:]
        return self.settle(fn(*args, **kwargs))

    def serve(self):
        header, buffers = read_frame()
        if header.get("t") != "init":
            raise RuntimeError("expected init, got %r" % header.get("t"))
        try:
            self.start(decode(header, buffers))
        except BaseException as error:  # noqa: the runner reports it
            send("error", message="%s: %s" % (type(error).__name__, error), traceback=plugin_traceback(error))
            return
        send("ready", pid=os.getpid(), ops=sorted(api._ops))
        while True:
            try:
                header, buffers = read_frame()
            except EOFError:
                return
            kind = header.get("t")
            if kind == "exit":
                return
            if kind == "globals":
                send("globals", value=globals_fingerprint(self.namespace))
                continue
            if kind != "call":
                continue
            _in_call[0] = True
            try:
                value = self.call(header, buffers)
            except BaseException as error:  # noqa: a plugin error fails only this call
                if isinstance(error, (KeyboardInterrupt, SystemExit)) and not isinstance(error, SystemExit):
                    raise
                message = "%s: %s" % (type(error).__name__, error)
                self.end_call()
                send("error", message=message, traceback=plugin_traceback(error))
                continue
            self.end_call()
            try:
                send("result", value=value)
            except Unsendable as error:
                send("error", message="cannot send the result: %s %s" % (error.where("result"), error.reason),
                     traceback="")
            except BaseException as error:  # noqa
                send("error", message="cannot send the result: %s: %s" % (type(error).__name__, error),
                     traceback=plugin_traceback(error))

    @staticmethod
    def end_call():
        """The call's unfinished lines are its own; what threads print from now on is nobody's."""
        flush_output()
        _in_call[0] = False


def globals_fingerprint(namespace):
    """Answers the runner's `globals` message (check-functional) with a `globals` frame:
    {name: [digest, short repr]} of the plugin's module globals and its exported object's
    attributes (`self.NAME`), compared between calls."""
    import hashlib
    numpy = sys.modules.get("numpy")
    skip = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)
    items = [(k, v) for k, v in namespace.items() if not k.startswith("__")]
    exported = api._exported
    if isinstance(exported, dict):
        items += [("export." + str(k), v) for k, v in exported.items()]
    elif exported is not None and hasattr(exported, "__dict__"):
        items += [("self." + k, v) for k, v in vars(exported).items()]
    out = {}
    for name, value in items:
        if isinstance(value, skip):
            continue
        try:
            if numpy is not None and isinstance(value, numpy.ndarray):
                text = "ndarray(%s, %s)" % (value.dtype, value.shape)
                data = text.encode() + numpy.ascontiguousarray(value).tobytes()
            else:
                text = repr(value)
                data = text.encode("utf-8", "replace")
        except Exception:  # noqa: a repr that fails is not watched
            continue
        out[name] = [hashlib.sha256(data).hexdigest()[:16], text if len(text) <= 80 else text[:77] + "..."]
    for key, value in os.environ.items():  # the process environment, "env:NAME" (check-functional)
        text = "%s=%s" % (key, value)
        out["env:" + key] = [hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16], text if len(text) <= 80 else text[:77] + "..."]
    return out


def plugin_traceback(error):
    """The traceback of `error` without the host's and asyncio's frames."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename != __file__ and "/asyncio/" not in frame.filename]
    lines = ["Traceback (most recent call last):\n"] + traceback.format_list(frames)
    return "".join(lines + traceback.format_exception_only(type(error), error))


def watch_parent():
    """Exit when the runner goes away, even while a call computes."""
    parent = os.getppid()
    import time
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            SEGMENTS.cleanup()
            os._exit(3)


def main():
    install_modules()
    sys.stdout, sys.stderr = OUTPUTS
    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        Host().serve()
    finally:
        SEGMENTS.cleanup()
        try:
            flush_output()
        except OSError:
            pass


if __name__ == "__main__":
    main()
