// Compile-cost baseline: the whole standard library (libstdc++'s <bits/stdc++.h>), the "about 0.7 s"
// that the include-cost target (1.2 s) is set against.
#include <bits/stdc++.h>
