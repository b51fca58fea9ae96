"""TF 2 compatibility harness: the same small programs under TensorFlow and under tapegrad, outputs diffed."""
