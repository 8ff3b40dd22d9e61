export { createIsolatedDatabase, type TestDatabaseSource } from "./database.js";
export { dbTest, testDatabase } from "./fixture.js";
