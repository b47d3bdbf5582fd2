// Compile cost of including logto-cpp (include/ tree or single_include/, chosen by -I).
#include <logto/logto.hpp>
