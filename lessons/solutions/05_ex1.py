# Solution to Exercise 5.1: climb the tree until the two leaves share an ancestor.
def lca_level(i, j):
    level = 0
    while i != j:
        i, j, level = i // 2, j // 2, level + 1
    return level   # the same as (i ^ j).bit_length()


bn.exercises.check_lca_level(lca_level)
