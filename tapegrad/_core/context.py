"""Per-thread execution state: the stack of recording tapes and variable watchers."""
import threading


class _State(threading.local):
    def __init__(self):
        self.tapes = []     # recording tapes on this thread, innermost last
        self.watchers = []  # variable watchers (custom_gradient), innermost last


state = _State()
