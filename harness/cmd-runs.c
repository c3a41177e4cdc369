#include "config.h"
#include <stddef.h>
#include "cmd.h"
static int cmd_runs_exec(int argc, char **argv) { (void)argc; (void)argv; return CMD_EXIT_USAGE; }
const struct cmd_entry cmd_runs_entry = { "runs", "", NULL, cmd_runs_exec };
