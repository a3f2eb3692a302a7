# Solution to Exercise 1.2: Daneshmand et al. (2021)'s orthogonality gap.
def orthogonality_gap(G):
    n = len(G)
    return np.linalg.norm(G / np.trace(G) - np.eye(n) / n)


bn.exercises.check_orthogonality_gap(orthogonality_gap)
