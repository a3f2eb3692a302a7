# Solution to Exercise 2.1: subtract each neuron's (row's) mean over the batch.
def recenter(Z):
    return Z - Z.mean(axis=1, keepdims=True)   # keepdims: (d, 1) broadcasts along each row


bn.exercises.check_recenter(recenter)
