#include "config.h"
#include <stddef.h>
#include "cmd.h"
static int cmd_worker_exec(int argc, char **argv) { (void)argc; (void)argv; return CMD_EXIT_USAGE; }
const struct cmd_entry cmd_worker_entry = { "worker", "", NULL, cmd_worker_exec };
