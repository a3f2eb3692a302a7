# Solution to Exercise 1.1: rescale each neuron (row) by its root-mean-square over the batch.
def rescale(Z):
    return Z / np.sqrt(np.mean(Z ** 2, axis=1, keepdims=True))


bn.exercises.check_rescale(rescale)
