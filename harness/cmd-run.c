#include "config.h"
#include <stddef.h>
#include "cmd.h"
static int cmd_run_exec(int argc, char **argv) { (void)argc; (void)argv; return CMD_EXIT_USAGE; }
const struct cmd_entry cmd_run_entry = { "run", "", NULL, cmd_run_exec };
