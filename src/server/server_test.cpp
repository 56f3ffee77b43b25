// Black-box tests of `ocrserve serve`: see below.
