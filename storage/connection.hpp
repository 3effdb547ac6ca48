#pragma once
// Private to storage/: what repositories write against (storage/sql.hpp), whatever the engine.
#include "storage/sql.hpp"
