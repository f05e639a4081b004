/* XenAPI messages implemented by the storage driver (to be filled by its owner). */
#include "xapi/dispatch.h"

const struct handler_row storage_handlers[] = {
	{ NULL, NULL, false },
};
