"""Per-thread execution state: the stack of recording tapes, variable watchers, the graph being traced."""
import threading


class _State(threading.local):
    def __init__(self):
        self.tapes = []     # recording tapes on this thread, innermost last
        self.watchers = []  # variable watchers (custom_gradient), innermost last
        self.graph = None   # the graph tracer while a tapegrad.function is traced (it also sits on tapes)


state = _State()
