/*
 * Puppet's certname rule, as puppetserver enforces it on CSRs: lower-case
 * letters, digits, '.', '_' and '-'; no wildcard; not "." or "..". The rule
 * also keeps every name safe as a file name under CADIR.
 */
#include <string.h>

#include "cm/ca/ca.h"

bool cm_ca_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 255 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}
