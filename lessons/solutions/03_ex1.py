# Solution to Exercise 3.1: the cosine after a wide ReLU layer, (sin θ + (π − θ) cos θ) / π.
def relu_cosine(c):
    c = np.clip(c, -1.0, 1.0)          # computed cosines can leave [-1, 1] by a rounding step
    theta = np.arccos(c)               # radians
    return (np.sin(theta) + (np.pi - theta) * c) / np.pi


bn.exercises.check_relu_cosine(relu_cosine)
