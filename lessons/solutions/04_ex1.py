# Solution to Exercise 4.1: the largest-norm sample and its norm over the others' mean norm.
def find_outlier(G):
    norms = np.sqrt(np.diag(G))
    index = int(np.argmax(norms))
    return index, norms[index] / np.delete(norms, index).mean()


bn.exercises.check_find_outlier(find_outlier)
