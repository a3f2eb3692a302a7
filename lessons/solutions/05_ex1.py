# Solution to Exercise 5.1: ones on the diagonal, the level's cosine elsewhere.
def tree_gram(cosines):
    n = 2 ** len(cosines)
    G = np.ones((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                G[i, j] = cosines[bn.tree.lca_level(i, j) - 1]   # levels 1 .. k, indices 0 .. k-1
    return G


bn.exercises.check_tree_gram(tree_gram)
