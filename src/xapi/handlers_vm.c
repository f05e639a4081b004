/* XenAPI messages implemented by the vm driver (to be filled by its owner). */
#include "xapi/dispatch.h"

const struct handler_row vm_handlers[] = {
	{ NULL, NULL, false },
};
