"""``tapegrad.config``: TF 2's ``tf.config`` for a NumPy runtime.

Devices are reported honestly: tapegrad computes on the CPU, so the one physical device is
``/physical_device:CPU:0``; GPU lists are empty. Settings TF keeps (functions run eagerly, soft placement,
thread counts, memory growth, JIT) are stored and read back, so programs that set them run unchanged.
"""
import collections as _collections
import types as _types

PhysicalDevice = _collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = _collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDeviceConfiguration = _collections.namedtuple(
    "LogicalDeviceConfiguration", ["memory_limit", "experimental_priority", "experimental_device_ordinal"],
    defaults=[None, None, 0])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_settings = {"run_functions_eagerly": False, "soft_device_placement": True, "visible": [_CPU],
             "intra_op": 0, "inter_op": 0, "memory_growth": {}, "jit": False, "optimizer_options": {},
             "deterministic": False, "tf32": True, "logical": {}}


def run_functions_eagerly(run_eagerly):
    """Makes every ``tapegrad.function`` run its Python function eagerly (True) or traced (False)."""
    _settings["run_functions_eagerly"] = bool(run_eagerly)


def functions_run_eagerly():
    """Whether ``run_functions_eagerly(True)`` is in effect."""
    return _settings["run_functions_eagerly"]


experimental_run_functions_eagerly = run_functions_eagerly
experimental_functions_run_eagerly = functions_run_eagerly


def list_physical_devices(device_type=None):
    """The physical devices of ``device_type`` ('CPU', 'GPU', ...; all when None): the CPU only."""
    return [d for d in [_CPU] if device_type is None or d.device_type == str(device_type).upper()]


def list_logical_devices(device_type=None):
    """The logical devices of ``device_type``: ``/device:CPU:0`` when the CPU is visible."""
    return [LogicalDevice("/device:CPU:0", "CPU") for d in get_visible_devices(device_type) if d == _CPU]


def get_visible_devices(device_type=None):
    """The visible physical devices of ``device_type``."""
    return [d for d in _settings["visible"] if device_type is None or d.device_type == str(device_type).upper()]


def set_visible_devices(devices, device_type=None):
    """Sets the visible devices; only the CPU exists (an unknown device is a ValueError, as in TF)."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for d in devices:
        if d not in list_physical_devices():
            raise ValueError(f"Unrecognized device: {d!r}")
    kept = [d for d in _settings["visible"] if device_type is not None and d.device_type != str(device_type).upper()]
    _settings["visible"] = kept + [d for d in devices if d not in kept]


def get_logical_device_configuration(device):
    """The logical configurations set for ``device`` (None when none were set)."""
    return _settings["logical"].get(device)


def set_logical_device_configuration(device, logical_devices):
    """Stores logical device configurations for ``device`` (tapegrad runs them all on the CPU)."""
    if device not in list_physical_devices():
        raise ValueError(f"Unrecognized device: {device!r}")
    _settings["logical"][device] = list(logical_devices)


def get_soft_device_placement():
    """Whether ops on unavailable devices fall back to available ones (always the case in tapegrad)."""
    return _settings["soft_device_placement"]


def set_soft_device_placement(enabled):
    _settings["soft_device_placement"] = bool(enabled)


def _module(name, doc, **members):
    mod = _types.ModuleType(f"{__name__}.{name}", doc)
    for key, value in members.items():
        value.__qualname__ = value.__name__ = key
        setattr(mod, key, value)
    return mod


def _setter(key):
    def set_value(value):
        _settings[key] = value
    return set_value


def _getter(key):
    return lambda: _settings[key]


threading = _module(
    "threading", "Thread-pool sizes (0: the runtime's choice); stored for TF compatibility.",
    get_intra_op_parallelism_threads=_getter("intra_op"), set_intra_op_parallelism_threads=_setter("intra_op"),
    get_inter_op_parallelism_threads=_getter("inter_op"), set_inter_op_parallelism_threads=_setter("inter_op"))


def _set_memory_growth(device, enable):
    if device not in list_physical_devices():
        raise ValueError(f"Unrecognized device: {device!r}")
    _settings["memory_growth"][device] = bool(enable)


def _get_memory_growth(device):
    if device not in list_physical_devices():
        raise ValueError(f"Unrecognized device: {device!r}")
    return _settings["memory_growth"].get(device, False)


experimental = _module(
    "experimental", "Experimental settings; those with no meaning for a NumPy runtime are stored.",
    list_physical_devices=list_physical_devices, list_logical_devices=list_logical_devices,
    get_visible_devices=get_visible_devices, set_visible_devices=set_visible_devices,
    set_memory_growth=_set_memory_growth, get_memory_growth=_get_memory_growth,
    enable_op_determinism=lambda: _settings.__setitem__("deterministic", True),
    enable_tensor_float_32_execution=_setter("tf32"), tensor_float_32_execution_enabled=_getter("tf32"))

optimizer = _module(
    "optimizer", "Graph optimizer options (stored; tapegrad's passes do not read them).",
    set_jit=_setter("jit"), get_jit=_getter("jit"),
    set_experimental_options=lambda options: _settings["optimizer_options"].update(options),
    get_experimental_options=lambda: dict(_settings["optimizer_options"]))
