/*
 * The network tools of ovcp-cm, each its own executable so that `ovcp-cm
 * apply` loads none of their libraries (TLS, HTTP, SQLite, libevent):
 * ovcp-cm-agent, ovcp-cm-master (also `ca`). `ovcp-cm agent ...` execs
 * them (main.c). Which one this is comes from the OVCP_CM_TOOL define.
 */
#include <string.h>

#if defined(OVCP_CM_TOOL_AGENT)
#include "cm/agent/agent.h"

int main(int argc, char **argv)
{
	return cm_agent_main(argc, argv, cm_agent_usage);
}
#else
#include "cm/ca/ca.h"
#include "cm/master/master.h"

/* ovcp-cm-master master ARGS | ovcp-cm-master ca ARGS */
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "ca") == 0)
		return cm_ca_cli(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "master") == 0)
		return cm_master_main(argc - 1, argv + 1);
	return cm_master_main(argc, argv);
}
#endif
