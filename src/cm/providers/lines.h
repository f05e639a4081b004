/*
 * Line-oriented files (crontabs, /etc/hosts): read into a JSON array of
 * strings, edited, written back atomically only when something changed.
 */
#ifndef OVCP_CM_PROVIDER_LINES_H
#define OVCP_CM_PROVIDER_LINES_H

#include "cm/providers/provider.h"

/* Lines of LOCAL (an empty array when it does not exist). */
json_t *lines_read(const char *local);
/* Write LINES to LOCAL with MODE (parents created). */
int lines_write(const char *local, const json_t *lines, mode_t mode, struct err *e);

#endif
