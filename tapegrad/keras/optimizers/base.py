"""The optimizer base class: ``tapegrad.keras.optimizers.Optimizer`` (Keras 3 semantics).

``apply_gradients`` / ``apply`` run Keras 3's pipeline: drop None gradients
(with a warning; all None is a ValueError), unscale by ``loss_scale_factor``,
clip (``clipnorm``, else ``global_clipnorm``, else ``clipvalue``), apply
decoupled weight decay (``var -= var * wd * lr``), run the update rule,
update EMA averages, apply variable constraints, then increment
``iterations``. Slot variables are created on first use, per variable
(keyed by ``var.ref()``), in Keras' order, so ``variables`` lists them as
Keras does: ``iteration``, ``learning_rate``, then the slots.

Beyond Keras 3 (which accepts a Python float only and builds once),
``learning_rate`` may also be an int, a NumPy number, a 0-d Tensor or a
Variable (used as is), built-in optimizers accept variables they have not
seen before (their slots are added then, as Keras 2 did), and Keras 2's
``minimize(loss, var_list, tape=None)`` is available.
"""
import numbers
import re
import warnings

import numpy as np

from ... import errors
from ..._core import nest
from ..._core.indexed_slices import IndexedSlices
from ..._core.tensor import Tensor, Variable, convert_to_tensor
from ..variables import KerasVariable
from . import _ops
from . import schedules as _schedules

_name_uids = {}


def _snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _auto_name(class_name):
    prefix = _snake_case(class_name)
    n = _name_uids.get(prefix, 0)
    _name_uids[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


class OptimizerVariable(KerasVariable):
    """A non-trainable Variable owned by an optimizer, named and printed as Keras 3 names its variables."""

    def __init__(self, initial_value, dtype=None, name="variable", path=None):
        super().__init__(initial_value, dtype=dtype, trainable=False, name=name, path=path or name)


class _ShapeMismatchError(errors.InvalidArgumentError, ValueError):
    """A gradient whose shape differs from its variable's (a ValueError and TF's InvalidArgumentError)."""


def _lr_error(learning_rate):
    return ValueError(
        "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or a callable (that "
        "takes in the current iteration value and returns the corresponding learning rate value). Received "
        f"instead: learning_rate={learning_rate}")


def _as_grad(g):
    if type(g) is Tensor or type(g) is IndexedSlices:
        return g
    if isinstance(g, (Tensor, Variable)):
        return convert_to_tensor(g)
    return convert_to_tensor(np.asarray(g) if not isinstance(g, (list, tuple, numbers.Number)) else g)


class Optimizer:
    """Base class for optimizers (``keras.optimizers.Optimizer``).

    Subclasses either declare their slots with ``_slot_groups()``, implement
    ``_coefficients(lr, np_dtype)`` and ``_apply_one(grad, var, slots, coeffs)``
    and name their hyperparameters in ``_config_keys`` (the built-in optimizers,
    which take the arguments below as keywords after their own), or follow
    Keras 3: override ``build`` (calling ``super().build``) to create slots with
    ``add_optimizer_variables``, and ``update_step(gradient, variable,
    learning_rate)`` using ``self._get_variable_index(variable)`` and
    ``self.assign*``.

    Args:
      learning_rate: a float, a ``LearningRateSchedule`` (called with the
        iteration count), a callable with no arguments, or a Variable.
      weight_decay: decoupled weight decay factor (``var -= var * wd * lr``
        before each update), or None.
      clipnorm, clipvalue, global_clipnorm: gradient clipping (at most one).
      use_ema, ema_momentum, ema_overwrite_frequency: exponential moving
        average of the trained variables.
      loss_scale_factor: gradients are divided by it before anything else.
      gradient_accumulation_steps: apply the mean gradient every that many steps.
      name: the optimizer's name (default: the snake-cased class name, made unique).
    """

    _config_keys = ()  # attributes that ``get_config()`` adds to the base config (a subclass's hyperparameters)

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=3)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self.name = _auto_name(type(self).__name__) if name is None else name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                                 f"ema_overwrite_frequency={ema_overwrite_frequency}")
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}          # var.ref() -> position in _trainable_variables
        self._slots = {}          # var.ref() -> tuple of slot variables (built-in optimizers)
        self._averages = {}       # var.ref() -> EMA average variable
        self._accumulators = {}   # var.ref() -> gradient accumulator
        self._exclude_refs = set()
        self._exclude_pattern = None
        self._iterations = self._own_variable(np.int64(0), "iteration")
        self._learning_rate = None
        self._set_learning_rate(learning_rate, initial=True)

    # --- variables -----------------------------------------------------------
    def _own_variable(self, value, name, dtype=None):
        var = OptimizerVariable(value, dtype=dtype, name=name, path=f"{self.name}/{name}")
        self._variables.append(var)
        return var

    @property
    def variables(self):
        """The optimizer's variables: ``iteration``, ``learning_rate`` (when a float), then the slots."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of applied steps (an int64 Variable; a Tensor of whole accumulation cycles with
        ``gradient_accumulation_steps``)."""
        if self.gradient_accumulation_steps:
            return _ops.floordiv(self._iterations, _ops.stensor(self.gradient_accumulation_steps, np.int64))
        return self._iterations

    def _step_count(self):
        it = int(self._iterations._value)
        return it // self.gradient_accumulation_steps if self.gradient_accumulation_steps else it

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None):
        """Adds a non-trainable optimizer variable.

        ``initializer`` is 'zeros', 'ones', a number, or a callable ``(shape, dtype)``.
        """
        from ..._core import dtypes
        np_dtype = dtypes.as_dtype(dtype)._np if dtype is not None else np.dtype(np.float32)
        shape = tuple(shape)
        if callable(initializer):
            value = np.asarray(_ops.np_value(initializer(shape, dtype=dtypes.from_numpy(np_dtype))), dtype=np_dtype)
        elif isinstance(initializer, str):
            fill = {"zeros": 0, "ones": 1}.get(initializer)
            if fill is None:
                raise ValueError(f"Unsupported initializer {initializer!r}: use 'zeros', 'ones', a number or "
                                 "a callable.")
            value = np.full(shape, fill, dtype=np_dtype)
        else:
            value = np.full(shape, initializer, dtype=np_dtype)
        return self._own_variable(value, name or "variable")

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """An optimizer variable with the reference variable's shape and dtype, named ``{var}_{name}``."""
        name = name or "var"
        ref_name = getattr(reference_variable, "path", None)
        if ref_name is not None:
            name = f"{ref_name.replace('/', '_')}_{name}"
        else:
            name = f"{str(reference_variable.name).replace('/', '_').replace(':', '_')}_{name}"
        return self.add_variable(reference_variable.shape, initializer=initializer, dtype=reference_variable.dtype,
                                 name=name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One optimizer variable per trainable variable (per name when ``name`` is a list).

        With several names the variables are interleaved per trainable variable, as Keras creates them.
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = [initializer] if isinstance(name, str) else (
            list(initializer) if isinstance(initializer, (list, tuple)) else [initializer] * len(names))
        if len(names) != len(inits):
            raise ValueError("The number of provided names must match the number of provided initializers. "
                             f"Received name='{name}', initializer='{initializer}'")
        out = tuple([] for _ in names)
        for var in trainable_variables:
            for i, (n, init) in enumerate(zip(names, inits)):
                out[i].append(self.add_variable_from_reference(var, name=n, initializer=init))
        return out[0] if isinstance(name, str) else out

    # --- building --------------------------------------------------------------
    def _slot_groups(self):
        """[(names, initializers)]: the slots of a built-in optimizer, grouped as Keras creates them."""
        return []

    def build(self, variables):
        """Registers ``variables`` and creates their slots (only variables not seen before)."""
        new, seen = [], set()
        for v in variables:
            r = v.ref()
            if r not in self._index and r not in seen:
                seen.add(r)
                new.append(v)
        if self.use_ema:
            for v, a in zip(new, self.add_optimizer_variables(new, "average")):
                self._averages[v.ref()] = a
        for v in new:
            self._index[v.ref()] = len(self._trainable_variables)
            self._trainable_variables.append(v)
            if self.gradient_accumulation_steps:
                self._accumulators[v.ref()] = self.add_variable_from_reference(v, name="gradient_accumulator")
        per_var = [[] for _ in new]
        for names, inits in self._slot_groups():
            created = self.add_optimizer_variables(new, names, inits)
            for group in created:
                for k, var in enumerate(group):
                    per_var[k].append(var)
        for v, slots in zip(new, per_var):
            self._slots[v.ref()] = tuple(slots)
        if new:
            self._build_extra(new)
        self.built = True

    def _build_extra(self, new_variables):
        """Hook for optimizer-wide variables (Nadam's ``u_product``)."""

    def _get_variable_index(self, variable):
        return self._index[variable.ref()]

    def _check_variables_are_known(self, variables):
        unknown = [v for v in variables if v.ref() not in self._index]
        if not unknown:
            return
        if type(self).build is Optimizer.build:
            self.build(unknown)  # built-in optimizers extend to new variables (as Keras 2 did)
            return
        raise ValueError(f"Unknown variable: {unknown[0]}. This optimizer can only be called for the variables it "
                         "was originally built with. When working with a new set of variables, you should recreate "
                         "a new optimizer instance.")

    # --- learning rate ---------------------------------------------------------
    def _set_learning_rate(self, learning_rate, initial=False):
        prev = self._learning_rate if isinstance(self._learning_rate, OptimizerVariable) else None
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, (Tensor, Variable))):
            self._learning_rate = learning_rate
        elif isinstance(learning_rate, Variable) and not isinstance(learning_rate, OptimizerVariable):
            if not learning_rate.dtype.is_floating:
                raise _lr_error(learning_rate)
            self._learning_rate = learning_rate
        else:
            if isinstance(learning_rate, bool) or not isinstance(
                    learning_rate, (numbers.Real, np.ndarray, np.generic, Tensor, Variable)):
                raise _lr_error(learning_rate)
            value = np.asarray(_ops.np_value(learning_rate))
            if value.shape != () or value.dtype.kind not in "fiu":
                raise _lr_error(learning_rate)
            if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
                raise TypeError("This optimizer was created with a `LearningRateSchedule` object as its "
                                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                                "If you need the learning rate to be settable, you should instantiate the "
                                "optimizer with a float `learning_rate` argument.")
            if prev is not None:
                prev.assign(np.asarray(float(value), np.float32))
                return
            self._learning_rate = self._own_variable(np.asarray(float(value), np.float32), "learning_rate")
            return
        if prev is not None and self._learning_rate is not prev:
            self._variables = [v for v in self._variables if v is not prev]

    @property
    def learning_rate(self):
        """The current learning rate: the variable, or the schedule's value at ``iterations``."""
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            return _ops.per_call(lr, self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self._set_learning_rate(learning_rate)

    # --- applying gradients ------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies ``(gradient, variable)`` pairs; returns the ``iterations`` variable (as Keras 3 does)."""
        pairs = list(grads_and_vars)
        if not pairs:
            raise ValueError("apply_gradients() received no (gradient, variable) pairs: `grads_and_vars` is empty.")
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates the variables with ``grads`` (one per variable; the built variables if none are given)."""
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first. ")
            if len(grads) != len(self._trainable_variables):
                raise ValueError("When passing `grads` as a list of gradient tensors, the gradients must match "
                                 f"`optimizer.variables` one-to-on. Received a list of {len(grads)} gradients, but "
                                 f"the optimizer is tracking {len(self._trainable_variables)} trainable variables.")
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(f"Got {len(grads)} gradients for {len(trainable_variables)} variables: pass one "
                                 "gradient per variable.")
            for v in trainable_variables:
                if not isinstance(v, Variable):
                    raise TypeError(f"Optimizers update Variables; got {v!r} of type {type(v).__name__}.")
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            else:
                self._check_variables_are_known(trainable_variables)
        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads = self._check_gradients(grads, trainable_variables)
        scale = self.loss_scale_factor
        if scale is not None:
            grads = [_ops.divide(g, scale) for g in grads]
        self._backend_apply_gradients(grads, trainable_variables)
        for v in trainable_variables:
            if v.constraint is not None:
                v.assign(v.constraint(v))
        self._iterations.assign_add(np.int64(1))

    def _filter_empty_gradients(self, grads, variables):
        kept_g, kept_v, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
            else:
                kept_g.append(g)
                kept_v.append(v)
        if not kept_g:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                          "`model.compile()`, did you forget to provide a `loss` argument?", stacklevel=4)
        return kept_g, kept_v

    def _check_gradients(self, grads, variables):
        out = []
        for g, v in zip(grads, variables):
            g = _as_grad(g)
            if tuple(g.shape) != v._value.shape:
                raise _ShapeMismatchError(None, "AssignSubVariableOp", (
                    f"Cannot apply a gradient of shape {g.shape} to variable '{v.name}' of shape {v.shape}: the "
                    "shapes must be equal."))
            if _ops.np_dtype(g).kind not in "fc":
                raise TypeError(f"The gradient for variable '{v.name}' has dtype {g.dtype.name}; gradients must be "
                                "floating point.")
            out.append(g)
        return out

    def _backend_apply_gradients(self, grads, variables):
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            accs = [self._accumulators[v.ref()] for v in variables]
            def apply():
                self._update([_ops.divide(_ops.add(g, _ops.cast(a, g.dtype)), _ops.stensor(steps, _ops.np_dtype(g)))
                              for g, a in zip(grads, accs)], variables)
                for a in self._accumulators.values():
                    a.assign(np.zeros_like(a._value))

            def accumulate():
                for g, a in zip(grads, accs):
                    a.assign(_ops.add(_ops.cast(g, a.dtype), a))

            self._every(steps, self._iterations, apply, accumulate)
        else:
            self._update(grads, variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                self._every(self.ema_overwrite_frequency, self.iterations,
                            lambda: self._overwrite_model_variables_with_average_value(self._trainable_variables))

    @staticmethod
    def _every(period, count, fn, otherwise=lambda: None):
        """Runs ``fn()`` when ``count + 1`` is a multiple of ``period``, else ``otherwise()``: a ``cond``, so a
        traced step decides on every call."""
        from ...ops.control_flow import cond
        due = _ops.equal(_ops.floormod(_ops.add(count, _ops.stensor(1, np.int64)), _ops.stensor(period, np.int64)),
                         _ops.stensor(0, np.int64))
        cond(due, fn, otherwise)

    def _update(self, grads, variables):
        grads = self._clip_gradients(grads)
        lr = self.learning_rate
        self._apply_weight_decay(variables, lr)
        self._backend_update_step(grads, variables, lr)

    def _backend_update_step(self, grads, variables, learning_rate):
        """Runs the update rule on each (gradient, variable); coefficients are computed once per dtype."""
        if type(self).update_step is not Optimizer.update_step:  # a Keras-style subclass
            for g, v in zip(grads, variables):
                self.update_step(g, v, learning_rate)
            return
        coeffs = {}
        slots = self._slots
        for g, v in zip(grads, variables):
            dt = v._value.dtype
            c = coeffs.get(dt)
            if c is None:
                c = coeffs[dt] = _ops.per_call(self._coefficients, learning_rate, dt)
            if _ops.np_dtype(g) != dt:
                g = _ops.cast(g, v.dtype)
            self._apply_one(g, v, slots[v.ref()], c)

    def update_step(self, gradient, variable, learning_rate):
        """Updates one variable (built-in optimizers batch this in ``_backend_update_step``)."""
        if type(self)._apply_one is Optimizer._apply_one:
            raise NotImplementedError(f"{type(self).__name__} must implement `update_step`.")
        g = _as_grad(gradient)
        if _ops.np_dtype(g) != variable._value.dtype:
            g = _ops.cast(g, variable.dtype)
        self._apply_one(g, variable, self._slots[variable.ref()],
                        _ops.per_call(self._coefficients, learning_rate, variable._value.dtype))

    def _coefficients(self, learning_rate, np_dtype):
        """Per-step scalars for variables of ``np_dtype`` (built-in optimizers)."""
        return (_ops.scast(learning_rate, np_dtype),)

    def _apply_one(self, grad, variable, slots, coeffs):
        raise NotImplementedError

    def assign(self, variable, value):
        """``variable.assign(value)``; IndexedSlices replace only their rows (TF's ``scatter_update``)."""
        if type(value) is IndexedSlices:
            value = _ops.scatter_update(variable, value)
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    # --- clipping, weight decay, EMA ------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [_ops.clip_by_value(g, _ops.stensor(-v, _ops.np_dtype(g)), _ops.stensor(v, _ops.np_dtype(g)))
                    for g in grads]
        return grads

    def _clip_by_norm(self, values):
        dt = _ops.np_dtype(values)
        l2sum = _ops.reduce_sum(_ops.square(values), keepdims=True)
        pred = _ops.greater(l2sum, _ops.stensor(0, dt))
        l2sum_safe = _ops.where(pred, l2sum, Tensor(np.ones_like(l2sum._value)))
        l2norm = _ops.where(pred, _ops.sqrt(l2sum_safe), l2sum)
        clip = _ops.stensor(self.clipnorm, dt)
        return _ops.divide(_ops.dense(_ops.multiply(values, clip)), _ops.maximum(l2norm, clip))

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes variables (by identity, or by any of ``var_names`` occurring in their name) from weight decay."""
        self._exclude_refs = {v.ref() for v in var_list} if var_list else set()
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if variable.ref() in self._exclude_refs:
            return False
        if self._exclude_pattern is not None and self._exclude_pattern.search(variable.name) is not None:
            return False
        return True

    def _apply_weight_decay(self, variables, learning_rate=None):
        if self.weight_decay is None:
            return
        if learning_rate is None:
            learning_rate = self.learning_rate
        factors = {}
        for v in variables:
            if not self._use_weight_decay(v):
                continue
            dt = v._value.dtype
            f = factors.get(dt)
            if f is None:
                f = factors[dt] = (_ops.scast(self.weight_decay, dt),
                                   _ops.per_call(_ops.scast, learning_rate, dt))
            v.assign_sub(_ops.multiply(_ops.multiply(v, f[0]), f[1]))

    def _update_model_variables_moving_average(self, variables):
        for v in variables:
            avg = self._averages.get(v.ref())
            if avg is None:
                continue
            dt = v._value.dtype
            momentum, rest = _ops.per_call(self._ema_coefficients, dt)
            avg.assign(_ops.add(_ops.multiply(momentum, avg), _ops.multiply(rest, v)))

    def _ema_coefficients(self, dt):
        momentum = np.asarray(float(self._step_count() != 0), dt) * np.asarray(self.ema_momentum, dt)
        return _ops.stensor(momentum, dt), _ops.stensor(np.asarray(1, dt) - momentum, dt)

    def _overwrite_model_variables_with_average_value(self, variables):
        for v in variables:
            avg = self._averages.get(v.ref())
            if avg is not None:
                v.assign(avg)

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, overwrites the variables with their moving averages."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` when a scale factor is set."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # --- Keras 2 API -------------------------------------------------------------
    def compute_gradients(self, loss, var_list, tape=None, grad_loss=None):
        """``[(gradient, variable)]`` of ``loss`` (a callable, or a Tensor recorded by ``tape``).

        ``grad_loss`` (Keras 2's OptimizerV2) is the output gradient of ``loss``.
        """
        from ..._core.tape import GradientTape
        if not callable(loss) and tape is None:
            raise ValueError(f"`tape` is required when a `Tensor` loss is passed. Received: loss={loss}, tape={tape}.")
        if tape is None:
            tape = GradientTape()
        if callable(loss):
            with tape:
                if not callable(var_list):
                    tape.watch(var_list)
                loss = loss()
                if callable(var_list):
                    var_list = var_list()
        elif callable(var_list):
            var_list = var_list()
        var_list = nest.flatten(var_list)
        grads = tape.gradient(loss, var_list, output_gradients=grad_loss)
        return list(zip(grads, var_list))

    def minimize(self, loss, var_list, tape=None, grad_loss=None, name=None):
        """Keras 2's ``minimize``: computes the gradients of ``loss`` and applies them; returns ``iterations``.

        ``loss`` is a callable (evaluated under a new tape), or a Tensor together with the ``tape``
        that recorded it; ``var_list`` is a list of variables or a callable returning one.
        """
        return self.apply_gradients(self.compute_gradients(loss, var_list, tape, grad_loss=grad_loss))

    # --- state and config ----------------------------------------------------------
    def set_weights(self, weights):
        """Sets the optimizer's variables (in ``variables`` order) from NumPy arrays."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        for var, w in zip(self._variables, weights):
            w = np.asarray(_ops.np_value(w))
            if tuple(var.shape) != w.shape:
                raise ValueError(f"Optimizer variable {var.name} has shape {var.shape} not compatible with provided "
                                 f"weight shape {w.shape}.")
            var.assign(w.astype(var._value.dtype))

    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            lr = _schedules.serialize(lr)
        elif isinstance(lr, (Variable, Tensor)):
            lr = float(lr.numpy())
        return {
            "name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue, "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum, "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            **{key: getattr(self, key) for key in self._config_keys},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)


def global_norm(value_list):
    """sqrt of the sum of squares of all the tensors."""
    sq = [_ops.reduce_sum(_ops.square(v)) for v in value_list if v is not None]
    total = sq[0] if len(sq) == 1 else _ops.reduce_sum(_ops.stack(sq))
    return _ops.sqrt(total)


def clip_by_global_norm(value_list, clip_norm):
    """Keras 3's global-norm clipping: scales all tensors by ``clip_norm / max(norm, clip_norm)``.

    A non-finite norm makes the scale NaN, as in Keras.
    """
    use_norm = global_norm(value_list)
    dt = use_norm._value.dtype
    inverse = _ops.minimum(_ops.divide(_ops.stensor(1.0, dt), use_norm), _ops.stensor(1.0 / clip_norm, dt))
    scale_for_finite = _ops.multiply(_ops.stensor(clip_norm, dt), inverse)
    scale = _ops.add(scale_for_finite, _ops.subtract(use_norm, use_norm))
    return [_ops.multiply(_ops.dense(v), _ops.cast(scale, v.dtype)) if v is not None else v for v in value_list]
