# Solution to Exercise 3.2: recentering makes the orthogonal batch a regular simplex
# (cosines -1/(n-1)); the wide ReLU layer maps that cosine through the arc-cosine kernel.
def kappa(n):
    return bn.theory.relu_cosine(-1.0 / (n - 1))


bn.exercises.check_kappa(kappa)
