# empty: the loader only checks that it exists
