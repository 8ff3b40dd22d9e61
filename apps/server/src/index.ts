export { type AppOptions, createRequestListener } from "./app.js";
export { type RunningServer, type StartServerOptions, startServer } from "./server.js";
