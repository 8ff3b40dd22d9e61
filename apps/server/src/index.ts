export { type AppOptions, createApp } from "./app.js";
export { type RunningServer, type StartServerOptions, startServer } from "./server.js";
