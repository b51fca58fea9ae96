import tensorflow as tf

trace_count = [0]

@tf.function
def f(x):
    trace_count[0] += 1
    print("python side effect", trace_count[0])
    return x + 1

print(tf.config.functions_run_eagerly())
f(tf.constant(1.0))
f(tf.constant(2.0))
print(trace_count[0])
tf.config.run_functions_eagerly(True)
print(tf.config.functions_run_eagerly())
f(tf.constant(1.0))
f(tf.constant(2.0))
print(trace_count[0])

@tf.function
def g(x):
    return x.numpy() * 2
print(g(tf.constant(3.0)))
tf.config.run_functions_eagerly(False)
print(tf.config.functions_run_eagerly())
f(tf.constant(3.0))
print(trace_count[0])
try:
    g(tf.constant(3.0))
except Exception as e:
    print(type(e).__name__)
