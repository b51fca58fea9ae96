import tensorflow as tf

v = tf.Variable([1.0, 2.0, 3.0])
r = v.assign([4.0, 5.0, 6.0])
print(v.numpy())
print(r)
v.assign_add([1.0, 1.0, 1.0])
print(v.numpy())
v.assign_sub(tf.constant([0.5, 0.5, 0.5]))
print(v.numpy())
print(v.read_value())
print(v.value())
try:
    v.assign([1.0, 2.0])
except Exception as e:
    print(type(e).__name__)
try:
    v.assign([1, 2, 3])
    print(v)
except Exception as e:
    print(type(e).__name__)
i = tf.Variable(5)
i.assign_add(2)
print(i)
try:
    i.assign(1.5)
except Exception as e:
    print(type(e).__name__)
try:
    i.assign_add(tf.constant(1.0))
except Exception as e:
    print(type(e).__name__)
x = tf.Variable(2.0)
y = x.assign(3.0) * 2
print(y)
print(x.assign_add(1.0).numpy())
